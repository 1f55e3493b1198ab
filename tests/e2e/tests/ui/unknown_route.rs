// A route that the route files do not declare (a typo of `DeviceStatus`) does not exist.
use routegen_e2e::routes::Route;

fn main() {
    let route = Route::DeviceStats { device_id: "d1" };
    println!("{route}");
}
