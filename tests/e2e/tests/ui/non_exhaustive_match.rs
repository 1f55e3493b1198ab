// Matching on `Route` is exhaustive: a route added to the files but not handled is an error.
use routegen::Method;
use routegen_e2e::routes::{Route, recognize};

fn main() {
    match recognize(Method::GET, "/files/new") {
        Ok(Route::FileNew) => {}
        Ok(Route::FileDownload { id }) => println!("{id}"),
        Err(_) => {}
    }
}
