//! The manifest's text and positions inside it.

use serde::{Deserialize, Serialize};
use std::ops::Range;

/// A manifest's text together with the name it is reported under.
#[derive(Debug, Clone)]
pub struct SourceFile {
    name: String,
    text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// Wraps `text`, reported in diagnostics as `name` (usually the path as the user wrote it).
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self {
            name: name.into(),
            text,
            line_starts,
        }
    }

    /// The name diagnostics use for this file.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Builds a span from a 1-based line and a 0-based character column, `len_chars` long.
    ///
    /// Positions past the end of a line or of the file are clamped, so a span is always valid.
    pub fn span_at(&self, line: usize, col_chars: usize, len_chars: usize) -> Span {
        let start = self.byte_offset(line, col_chars);
        let end = self.text[start..]
            .char_indices()
            .nth(len_chars)
            .map_or(self.text.len(), |(i, _)| start + i);
        self.span(start..end)
    }

    /// Builds a span for a byte range, computing its line and column.
    ///
    /// A range that starts or ends inside a character is widened to the whole character:
    /// positions computed from parsed values (an offset inside a type expression) may land
    /// there, and a span must cut the text where renderers can.
    pub fn span(&self, bytes: Range<usize>) -> Span {
        let mut start = bytes.start.min(self.text.len());
        while !self.text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = bytes.end.clamp(start, self.text.len());
        while !self.text.is_char_boundary(end) {
            end += 1;
        }
        let line_index = self.line_starts.partition_point(|&s| s <= start) - 1;
        let column = self.text[self.line_starts[line_index]..start]
            .chars()
            .count()
            + 1;
        Span {
            start,
            end,
            line: line_index as u32 + 1,
            column: column as u32,
        }
    }

    fn byte_offset(&self, line: usize, col_chars: usize) -> usize {
        let Some(&line_start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let line_text = &self.text[line_start..];
        let line_end = line_text.find('\n').unwrap_or(line_text.len());
        line_text[..line_end]
            .char_indices()
            .nth(col_chars)
            .map_or(line_start + line_end, |(i, _)| line_start + i)
    }
}

/// A region of the manifest: a byte range plus its 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// 1-based line of `start`.
    pub line: u32,
    /// 1-based column of `start`, counted in characters.
    pub column: u32,
}

impl Span {
    /// The byte range of this span.
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_know_their_line_and_column() {
        let file = SourceFile::new("m.yaml", "a: 1\nbé: two\n");
        let span = file.span_at(2, 4, 3);
        assert_eq!(&file.text()[span.range()], "two");
        assert_eq!((span.line, span.column), (2, 5));
        assert_eq!(file.span(5..8).column, 1);
    }

    #[test]
    fn out_of_range_positions_are_clamped() {
        let file = SourceFile::new("m.yaml", "a: 1");
        let span = file.span_at(9, 9, 9);
        assert_eq!(span.range(), 4..4);
        assert_eq!(file.span(2..100).range(), 2..4);
    }

    /// Found by the `manifest` fuzz target: a byte range ending inside a character made the
    /// diagnostic renderer panic.
    #[test]
    fn ranges_inside_a_character_are_widened_to_it() {
        let file = SourceFile::new("m.yaml", "t: \u{fffd}x\n");
        assert_eq!(file.span(3..4).range(), 3..6);
        assert_eq!(file.span(4..5).range(), 3..6);
        assert_eq!(file.span(5..7).range(), 3..7);
    }
}
