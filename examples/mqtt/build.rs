fn main() {
    routegen_codegen::compile("routes");
}
