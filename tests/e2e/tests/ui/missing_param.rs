// Reverse routing needs every param: omitting one is a missing-field error.
use routegen_e2e::routes::Route;

fn main() {
    let route = Route::ReadingAt {
        device_id: "d1",
        sensor: "s1",
    };
    println!("{route}");
}
