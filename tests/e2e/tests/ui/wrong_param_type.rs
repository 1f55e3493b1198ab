// Params are `&str`: an integer is a type error, not a silent conversion.
use routegen_e2e::routes::Route;

fn main() {
    let route = Route::DeviceStatus { device_id: 5 };
    println!("{route}");
}
