//! The `floor` contender's pattern check.

use routegen_benches::floor::{check, parse};

#[test]
fn checks_and_slices() {
    let mut params = [""; 8];
    let segs = parse("/a/{x}/f-{y}.json/{*rest}");
    assert_eq!(check(&segs, "/a/1/f-2.json/t/u", &mut params), Some(3));
    assert_eq!(&params[..3], ["1", "2", "t/u"]);
    assert_eq!(check(&segs, "/a/1/f-2.json/", &mut params), None);
    assert_eq!(check(&segs, "/a/1/f-.json/t", &mut params), None);
    assert_eq!(check(&parse("/"), "/", &mut params), Some(0));
    assert_eq!(check(&parse("/a/"), "/a", &mut params), None);
    assert_eq!(check(&parse("/a"), "/a/", &mut params), None);
}
