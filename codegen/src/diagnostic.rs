//! Errors that point at route files the way rustc points at source: `path:line:col`, the source
//! line, a label under the offending text.
//!
//! Every stage reports into one [`Diagnostics`] collector instead of returning at the first
//! problem, so a build shows all of its mistakes at once (as serde_derive's `Ctxt` does).

use std::fmt;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// Index of a file in [`Sources`].
pub(crate) type FileId = usize;

/// A byte range in one route file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Loc {
    pub file: FileId,
    pub start: usize,
    pub end: usize,
}

impl Loc {
    pub fn new(file: FileId, range: std::ops::Range<usize>) -> Loc {
        Loc {
            file,
            start: range.start,
            end: range.end,
        }
    }
}

/// One route file: where it lives and its text.
#[derive(Debug, Clone)]
pub(crate) struct SourceFile {
    /// The path shown to users: relative to the crate's manifest directory when inside it.
    pub display: String,
    pub text: String,
    /// The byte offset where each line starts, so a location is a binary search, not a scan of
    /// the file (a scan per route was quadratic in a large file).
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(display: String, text: String) -> SourceFile {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            display,
            text,
            line_starts,
        }
    }
}

/// Every route file of a build, indexed by [`FileId`].
#[derive(Debug, Default)]
pub(crate) struct Sources {
    pub files: Vec<SourceFile>,
}

impl Sources {
    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, file: FileId, offset: usize) -> (usize, usize) {
        let source = &self.files[file];
        let offset = floor_char_boundary(&source.text, offset.min(source.text.len()));
        let line = source.line_starts.partition_point(|&start| start <= offset);
        let line_start = source.line_starts[line - 1];
        (line, source.text[line_start..offset].chars().count() + 1)
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A problem found in the route files, not yet rendered.
#[derive(Debug, Clone)]
pub(crate) struct Report {
    pub message: String,
    pub primary: Option<(Loc, String)>,
    pub secondary: Vec<(Loc, String)>,
    pub notes: Vec<String>,
    pub help: Option<String>,
}

impl Report {
    pub fn at(loc: Loc, message: impl Into<String>, label: impl Into<String>) -> Report {
        Report {
            message: message.into(),
            primary: Some((loc, label.into())),
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
        }
    }

    /// A problem that belongs to no place in a file (a missing directory).
    pub fn general(message: impl Into<String>) -> Report {
        Report {
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
        }
    }

    pub fn with_secondary(mut self, loc: Loc, label: impl Into<String>) -> Report {
        self.secondary.push((loc, label.into()));
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Report {
        self.notes.push(note.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Report {
        self.help = Some(help.into());
        self
    }
}

/// Collects the problems of one build.
#[derive(Debug, Default)]
pub(crate) struct Diagnostics {
    reports: Vec<Report>,
}

impl Diagnostics {
    pub fn push(&mut self, report: Report) {
        self.reports.push(report);
    }

    pub fn error(&mut self, loc: Loc, message: impl Into<String>, label: impl Into<String>) {
        self.push(Report::at(loc, message, label));
    }

    pub fn has_errors(&self) -> bool {
        !self.reports.is_empty()
    }

    /// Renders every report, ordered by file and position so output is deterministic.
    pub fn into_errors(mut self, sources: &Sources) -> Errors {
        self.reports.sort_by_key(|report| {
            report
                .primary
                .as_ref()
                .map(|(loc, _)| (loc.file, loc.start))
        });
        self.reports
            .dedup_by(|a, b| a.message == b.message && a.primary == b.primary);
        Errors {
            diagnostics: self
                .reports
                .iter()
                .map(|report| render(report, sources))
                .collect(),
        }
    }
}

fn render(report: &Report, sources: &Sources) -> Diagnostic {
    let location = report.primary.as_ref().map(|(loc, _)| {
        let (line, column) = sources.line_col(loc.file, loc.start);
        Location {
            file: sources.files[loc.file].display.clone(),
            line,
            column,
        }
    });

    // Group annotations by file: one snippet per file, the primary file first.
    let mut files: Vec<FileId> = Vec::new();
    let all = report
        .primary
        .iter()
        .map(|(loc, label)| (loc, label, true))
        .chain(
            report
                .secondary
                .iter()
                .map(|(loc, label)| (loc, label, false)),
        );
    let all: Vec<_> = all.collect();
    for (loc, _, _) in &all {
        if !files.contains(&loc.file) {
            files.push(loc.file);
        }
    }
    let mut group = Group::with_title(Level::ERROR.primary_title(report.message.as_str()));
    for file in files {
        let source = &sources.files[file];
        let mut snippet = Snippet::source(source.text.as_str()).path(source.display.as_str());
        for (loc, label, primary) in all.iter().filter(|(loc, _, _)| loc.file == file) {
            let kind = if *primary {
                AnnotationKind::Primary
            } else {
                AnnotationKind::Context
            };
            let start = floor_char_boundary(&source.text, loc.start.min(source.text.len()));
            let end = floor_char_boundary(&source.text, loc.end.min(source.text.len())).max(start);
            snippet = snippet.annotation(kind.span(start..end).label(label.as_str()));
        }
        group = group.element(snippet);
    }
    for note in &report.notes {
        group = group.element(Level::NOTE.message(note.as_str()));
    }
    if let Some(help) = &report.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    let groups: [Group<'_>; 1] = [group];
    let rendered = Renderer::plain().render(&groups).to_string();
    Diagnostic {
        message: report.message.clone(),
        location,
        rendered,
    }
}

/// Where a diagnostic points: a route file, 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The route file, relative to the crate's manifest directory when inside it.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One problem in the route files.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    message: String,
    location: Option<Location>,
    rendered: String,
}

impl Diagnostic {
    /// The one-line message, lowercase, quoting the user's syntax (`unknown key `pth` in route`).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Where it points, unless it concerns no single file (a missing route directory).
    pub fn location(&self) -> Option<&Location> {
        self.location.as_ref()
    }

    /// The rustc-style rendering: message, ` --> file:line:col`, the source lines, labels.
    pub fn rendered(&self) -> &str {
        &self.rendered
    }
}

/// Every problem found in one run of the generator; never empty.
#[derive(Debug, Clone)]
pub struct Errors {
    diagnostics: Vec<Diagnostic>,
}

impl Errors {
    /// The diagnostics, ordered by file and position.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// How many problems were found.
    pub fn len(&self) -> usize {
        self.diagnostics.len()
    }

    /// Always false: an `Errors` holds at least one diagnostic.
    pub fn is_empty(&self) -> bool {
        self.diagnostics.is_empty()
    }
}

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A blank line after each diagnostic, as rustc prints them.
        for diagnostic in &self.diagnostics {
            writeln!(f, "{}\n", diagnostic.rendered)?;
        }
        let count = self.diagnostics.len();
        write!(
            f,
            "error: could not generate routes due to {count} previous error{}",
            if count == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for Errors {}

/// Errors for a problem outside the route files (writing the output).
pub(crate) fn general_errors(message: &str) -> Errors {
    let mut diags = Diagnostics::default();
    diags.push(Report::general(message));
    diags.into_errors(&Sources::default())
}
