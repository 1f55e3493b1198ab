fn main() {
    routegen_codegen::compile("routes");
    // A second router from other sources: MQTT, message and WebSocket routes, a JSON file, and
    // plugins mounted one prefix each.
    routegen_codegen::Builder::new()
        .route_dir("transports")
        .mount_each("/plugins", "plugins")
        .output_file("transports.rs")
        .compile();
}
