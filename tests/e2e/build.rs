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
    // Many static paths of one length: the static table is a perfect hash here, while the
    // route files above are small enough to be compared by length.
    routegen_codegen::Builder::new()
        .route_source("hashed.toml", hashed_routes())
        .output_file("hashed.rs")
        .compile();
}

/// Twelve static paths of the same length (one with two methods) and a parameter route of the
/// same shape.
fn hashed_routes() -> String {
    let mut toml = String::new();
    for i in 0..12 {
        toml += &format!(
            "[[route]]\nname = \"s{i:02}\"\npath = \"/static/p{i:02}\"\nmethod = \"GET\"\n\n"
        );
    }
    toml += "[[route]]\nname = \"s00_delete\"\npath = \"/static/p00\"\nmethod = \"DELETE\"\n\n";
    toml += "[[route]]\nname = \"item\"\npath = \"/static/{id}\"\nmethod = \"GET\"\n";
    toml
}
