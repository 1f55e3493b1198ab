fn main() {
    routegen_codegen::compile("routes");
    // A second router from other sources: MQTT, message and WebSocket routes, a JSON file, and
    // plugins mounted one prefix each.
    routegen_codegen::Builder::new()
        .route_dir("transports")
        .mount_each("/plugins", "plugins")
        .output_file("transports.rs")
        .compile();
    // A build with no route at all still generates a router that compiles warning-free.
    routegen_codegen::Builder::new()
        .route_source("empty.toml", "")
        .output_file("empty.rs")
        .compile();
}
