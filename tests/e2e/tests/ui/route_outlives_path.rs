// A recognized `Route` borrows its params from the path: it cannot outlive it.
use routegen::Method;
use routegen_e2e::routes::{Route, recognize};

fn route_of(id: u32) -> Route<'static> {
    let path = format!("/files/{id}");
    recognize(Method::GET, &path).unwrap()
}

fn main() {
    println!("{}", route_of(1));
}
