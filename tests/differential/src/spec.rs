//! Shared by the build script and the tests: the `semantics`/`conflict` blocks of
//! docs/SEMANTICS.md, random route sets in matchit's syntax, and the route-file text for both.

/// One route of a test set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteSpec {
    pub name: String,
    /// Empty: any method.
    pub methods: Vec<String>,
    pub pattern: String,
}

/// A fenced block of docs/SEMANTICS.md.
#[derive(Debug, Clone)]
pub struct Block {
    pub conflict: bool,
    pub routes: Vec<RouteSpec>,
    /// `METHOD PATH => ANSWER` lines.
    pub expectations: Vec<String>,
}

/// The `semantics` and `conflict` blocks, in document order.
pub fn blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines = markdown.lines().map(str::trim);
    while let Some(line) = lines.next() {
        let conflict = match line {
            "```semantics" => false,
            "```conflict" => true,
            _ => continue,
        };
        let mut block = Block {
            conflict,
            routes: Vec::new(),
            expectations: Vec::new(),
        };
        let mut after_separator = false;
        for line in lines.by_ref() {
            match line {
                "```" => break,
                "---" => after_separator = true,
                _ if after_separator => block.expectations.push(line.to_owned()),
                _ => block.routes.push(parse_route(line)),
            }
        }
        blocks.push(block);
    }
    blocks
}

/// `route NAME: METHODS PATTERN` (METHODS is `ANY` or `GET,PUT`).
fn parse_route(line: &str) -> RouteSpec {
    let rest = line
        .strip_prefix("route ")
        .unwrap_or_else(|| panic!("bad route line {line:?}"));
    let (name, rest) = rest.split_once(": ").expect("route NAME: METHODS PATTERN");
    let (methods, pattern) = rest.split_once(' ').expect("METHODS PATTERN");
    RouteSpec {
        name: name.to_owned(),
        methods: if methods == "ANY" {
            Vec::new()
        } else {
            methods.split(',').map(str::to_owned).collect()
        },
        pattern: pattern.to_owned(),
    }
}

/// The route file for a set of routes.
pub fn toml(routes: &[RouteSpec]) -> String {
    let mut text = String::new();
    for route in routes {
        text.push_str("[[route]]\n");
        text.push_str(&format!("name = {:?}\n", route.name));
        text.push_str(&format!("path = {:?}\n", route.pattern));
        if !route.methods.is_empty() {
            text.push_str(&format!("method = {:?}\n", route.methods));
        }
        text.push('\n');
    }
    text
}

/// splitmix64: a tiny deterministic generator, so a seed reproduces a run exactly.
#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Words for literal segments: few, so that routes share prefixes and force backtracking. The
/// last three are longer than a word (eight bytes), two of them sharing their first eight bytes
/// and their length, one with a character across the eighth byte, for the tables' head-word
/// comparison.
pub const WORDS: [&str; 13] = [
    "a",
    "b",
    "api",
    "v1",
    "users",
    "new",
    "repos",
    "files",
    "img",
    "u",
    "repositories",
    "repositoryid",
    "abcdefgüx",
];

/// A random route set in the syntax matchit and routegen share: literal segments, params with
/// and without a prefix or suffix, catch-alls, trailing slashes, shared prefixes. Params are named
/// by position (`p2` is always the third segment), as a route list written by hand would reuse
/// names. With `methods`, routes get random method lists.
pub fn random_set(rng: &mut Rng, methods: bool) -> Vec<RouteSpec> {
    let count = 4 + rng.below(10);
    let mut patterns: Vec<Vec<String>> = Vec::new();
    while patterns.len() < count {
        let mut segments: Vec<String> = match patterns.len() {
            0 => Vec::new(),
            n if rng.chance(45) => {
                let base = &patterns[rng.below(n)];
                let keep = rng.below(base.len() + 1);
                base[..keep]
                    .iter()
                    .filter(|s| !s.contains("{*"))
                    .cloned()
                    .collect()
            }
            _ => Vec::new(),
        };
        let extra = 1 + rng.below(3);
        for _ in 0..extra {
            let i = segments.len() + 1;
            let segment = match rng.below(100) {
                0..=54 => rng.pick(&WORDS).to_string(),
                55..=74 => format!("{{p{i}}}"),
                75..=80 => format!("{}-{{p{i}}}", rng.pick(&["u", "img", "v"])),
                81..=86 => format!("{{p{i}}}{}", rng.pick(&[".json", ".png", ".tar.gz"])),
                87..=90 => format!("v{{p{i}}}"),
                _ => format!("{{p{i}}}.png"),
            };
            segments.push(segment);
        }
        if rng.chance(10) {
            let i = segments.len() + 1;
            segments.push(format!("{{*p{i}}}"));
        } else if rng.chance(10) {
            segments.push(String::new());
        }
        if !patterns.contains(&segments) {
            patterns.push(segments);
        }
    }
    patterns
        .into_iter()
        .enumerate()
        .map(|(i, segments)| RouteSpec {
            name: format!("r{i}"),
            methods: if methods && rng.chance(70) {
                let all = ["GET", "POST", "PUT", "DELETE", "PURGE"];
                let mut chosen: Vec<String> = all
                    .iter()
                    .filter(|_| rng.chance(35))
                    .map(|m| m.to_string())
                    .collect();
                if chosen.is_empty() {
                    chosen.push("GET".to_owned());
                }
                chosen
            } else {
                Vec::new()
            },
            pattern: format!("/{}", segments.join("/")),
        })
        .collect()
}

/// A random set of static routes only, which routegen serves from its static table rather than
/// the tree: some paths twice, with disjoint method lists, so that a path can answer 405.
pub fn static_set(rng: &mut Rng) -> Vec<RouteSpec> {
    const METHODS: [&str; 5] = ["GET", "POST", "PUT", "DELETE", "PURGE"];
    let mut routes: Vec<RouteSpec> = random_set(rng, true)
        .into_iter()
        .filter(|route| !route.pattern.contains('{'))
        .collect();
    let mut others = Vec::new();
    for route in &routes {
        if route.methods.is_empty() || !rng.chance(50) {
            continue;
        }
        let methods: Vec<String> = (METHODS.iter())
            .filter(|m| !route.methods.iter().any(|taken| taken == *m))
            .map(|m| m.to_string())
            .collect();
        if !methods.is_empty() {
            others.push(RouteSpec {
                name: format!("{}_other", route.name),
                methods,
                pattern: route.pattern.clone(),
            });
        }
    }
    routes.extend(others);
    routes
}

/// Values to fill params with: dots, dashes, static-looking words, UTF-8, encoded bytes.
pub const VALUES: [&str; 12] = [
    "1",
    "42",
    "new",
    "a.b",
    "x-y",
    "zürich",
    "users",
    "v1",
    "img-1.png",
    "..",
    "a%20b",
    "u-7.json",
];

/// A path built from a pattern, params filled with values drawn from `rng`.
pub fn fill(pattern: &str, rng: &mut Rng) -> String {
    let mut path = String::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        path.push_str(&rest[..open]);
        let close = rest[open..].find('}').expect("balanced") + open;
        if rest[open + 1..].starts_with('*') {
            let parts = 1 + rng.below(3);
            let tail: Vec<&str> = (0..parts).map(|_| *rng.pick(&VALUES)).collect();
            path.push_str(&tail.join("/"));
        } else {
            let value: &&str = rng.pick(&VALUES);
            path.push_str(value);
        }
        rest = &rest[close + 1..];
    }
    path.push_str(rest);
    path
}

/// A near miss of a path: a segment dropped or added, the trailing slash toggled, an empty
/// segment, a letter's case changed.
pub fn mutate(path: &str, rng: &mut Rng) -> String {
    match rng.below(5) {
        0 => match path.rfind('/') {
            Some(0) | None => "/".to_owned(),
            Some(i) => path[..i].to_owned(),
        },
        1 => format!("{path}/{}", rng.pick(&VALUES)),
        2 => match path.strip_suffix('/') {
            Some(stripped) => stripped.to_owned(),
            None => format!("{path}/"),
        },
        3 => path.replacen('/', "//", 1 + rng.below(2)),
        _ => {
            // Any letter, so that long literals differ after their first word too.
            let letters: Vec<usize> = (path.char_indices())
                .filter(|(_, c)| c.is_ascii_lowercase())
                .map(|(i, _)| i)
                .collect();
            let mut changed = path.to_owned();
            if !letters.is_empty() {
                let i = letters[rng.below(letters.len())];
                changed.replace_range(i..i + 1, &path[i..i + 1].to_ascii_uppercase());
            }
            changed
        }
    }
}
