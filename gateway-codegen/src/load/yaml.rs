//! YAML text to a [`Node`] tree, through saphyr's spanned event parser.
//!
//! The event parser gives a start and end position for every node, which serde-based YAML
//! crates do not; that is what lets every later diagnostic point at the exact key or value.

use super::node::{Node, NodeValue, resolve_plain};
use crate::diagnostic::Diagnostics;
use crate::source::{SourceFile, Span};
use saphyr_parser::{Event, Parser, ScalarStyle, Tag};
use std::collections::HashMap;

/// Largest manifest accepted, in bytes.
pub const MAX_MANIFEST_BYTES: usize = 8 * 1024 * 1024;
/// Largest number of YAML nodes, counting each alias expansion again.
pub const MAX_NODES: usize = 200_000;
/// Deepest nesting of lists and mappings.
pub const MAX_DEPTH: usize = 32;

/// Parses the single YAML document of `source`.
///
/// Returns `None` (with a diagnostic) when the text is not valid YAML, exceeds a limit, holds
/// more than one document, or holds nothing at all.
pub fn parse(source: &SourceFile, diags: &mut Diagnostics) -> Option<Node> {
    if source.text().len() > MAX_MANIFEST_BYTES {
        diags
            .file_error(format!(
                "the manifest is {} bytes long; the limit is {MAX_MANIFEST_BYTES} bytes",
                source.text().len()
            ))
            .help("split the service, or move large descriptions out of the manifest");
        return None;
    }
    let mut builder = TreeBuilder::new(source);
    for event in Parser::new_from_str(source.text()) {
        let (event, span) = match event {
            Ok(event) => event,
            Err(error) => {
                let marker = error.marker();
                let span = source.span_at(marker.line(), marker.col(), 1);
                diags
                    .error(span, format!("YAML syntax error: {}", error.info()))
                    .label("the YAML parser stopped here");
                return None;
            }
        };
        let span = builder.span(span);
        if let Err(problem) = builder.on_event(event, span) {
            let diagnostic = diags.error(problem.span, problem.message);
            if let Some(help) = problem.help {
                diagnostic.help(help);
            }
            return None;
        }
    }
    if builder.root.is_none() {
        diags
            .file_error("the manifest is empty: it declares no operation")
            .help(EMPTY_HELP);
    }
    builder.root
}

const EMPTY_HELP: &str = "declare operations as a map of wrapper names, for example:\n\
    cache_get:\n  interface: CACHE\n  operation: get\n  parameters:\n    - name: key\n      type: string\n      required: true\n  returns: any";

struct Problem {
    span: Span,
    message: String,
    help: Option<&'static str>,
}

impl Problem {
    fn new(span: Span, message: impl Into<String>) -> Self {
        Self {
            span,
            message: message.into(),
            help: None,
        }
    }

    fn help(mut self, help: &'static str) -> Self {
        self.help = Some(help);
        self
    }
}

enum Frame {
    Seq {
        start: Span,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        start: Span,
        anchor: usize,
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
    },
}

struct TreeBuilder<'s> {
    source: &'s SourceFile,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    nodes: usize,
    documents: usize,
    root: Option<Node>,
}

impl<'s> TreeBuilder<'s> {
    fn new(source: &'s SourceFile) -> Self {
        Self {
            source,
            stack: Vec::new(),
            anchors: HashMap::new(),
            nodes: 0,
            documents: 0,
            root: None,
        }
    }

    fn span(&self, span: saphyr_parser::Span) -> Span {
        let len = span.end.index().saturating_sub(span.start.index());
        self.source
            .span_at(span.start.line(), span.start.col(), len)
    }

    fn on_event(&mut self, event: Event<'_>, span: Span) -> Result<(), Problem> {
        match event {
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(Problem::new(
                        span,
                        "a manifest holds one YAML document, but a second one starts here",
                    )
                    .help("remove the `---` line, or move the second document to its own file"));
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                let value = scalar_value(&text, style, tag.as_deref(), span)?;
                self.complete(Node { span, value }, anchor)?;
            }
            Event::SequenceStart(anchor, tag) => {
                check_collection_tag(tag.as_deref(), "seq", span)?;
                self.open(
                    Frame::Seq {
                        start: span,
                        anchor,
                        items: Vec::new(),
                    },
                    span,
                )?;
            }
            Event::MappingStart(anchor, tag) => {
                check_collection_tag(tag.as_deref(), "map", span)?;
                self.open(
                    Frame::Map {
                        start: span,
                        anchor,
                        entries: Vec::new(),
                        key: None,
                    },
                    span,
                )?;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match self.stack.pop() {
                    Some(Frame::Seq {
                        start,
                        anchor,
                        items,
                    }) => (self.collection(start, span, NodeValue::Seq(items)), anchor),
                    Some(Frame::Map {
                        start,
                        anchor,
                        entries,
                        ..
                    }) => (
                        self.collection(start, span, NodeValue::Map(entries)),
                        anchor,
                    ),
                    None => return Err(Problem::new(span, "unbalanced YAML collection end")),
                };
                self.complete(node, anchor)?;
            }
            Event::Alias(id) => {
                let Some(target) = self.anchors.get(&id) else {
                    return Err(Problem::new(span, "this alias refers to no anchor"));
                };
                // Count before cloning, so an alias bomb is refused before it takes memory.
                self.nodes += target.count() - 1;
                if self.nodes > MAX_NODES {
                    return Err(too_many_nodes(span));
                }
                let mut node = target.clone();
                node.span = span;
                self.complete(node, 0)?;
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
        Ok(())
    }

    fn open(&mut self, frame: Frame, span: Span) -> Result<(), Problem> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(Problem::new(
                span,
                format!("the manifest nests lists and mappings deeper than {MAX_DEPTH} levels"),
            )
            .help("no part of a manifest needs more than a few levels; flatten this value"));
        }
        self.stack.push(frame);
        Ok(())
    }

    /// A collection's span runs from its first to its last character, without trailing blanks.
    fn collection(&self, start: Span, end: Span, value: NodeValue) -> Node {
        let text = self.source.text();
        let end_byte = end.end.max(start.start).min(text.len());
        let trimmed = text[start.start..end_byte].trim_end().len();
        Node {
            span: self.source.span(start.start..start.start + trimmed.max(1)),
            value,
        }
    }

    fn complete(&mut self, node: Node, anchor: usize) -> Result<(), Problem> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(too_many_nodes(node.span));
        }
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push((k, node)),
            },
        }
        Ok(())
    }
}

fn too_many_nodes(span: Span) -> Problem {
    Problem::new(
        span,
        format!("the manifest expands to more than {MAX_NODES} YAML nodes"),
    )
    .help("aliases (`*name`) count once per use; reduce their nesting")
}

fn scalar_value(
    text: &str,
    style: ScalarStyle,
    tag: Option<&Tag>,
    span: Span,
) -> Result<NodeValue, Problem> {
    let Some(tag) = tag else {
        return Ok(match style {
            ScalarStyle::Plain => resolve_plain(text),
            _ => NodeValue::Str(text.to_owned()),
        });
    };
    if !tag.is_yaml_core_schema() {
        return Err(unsupported_tag(tag, span));
    }
    let resolved = resolve_plain(text);
    let value = match (tag.suffix.as_str(), resolved) {
        ("str", _) => NodeValue::Str(text.to_owned()),
        ("null", v @ NodeValue::Null)
        | ("bool", v @ NodeValue::Bool(_))
        | ("int", v @ NodeValue::Int(_))
        | ("float", v @ NodeValue::Float(_)) => v,
        ("float", NodeValue::Int(i)) => NodeValue::Float(i as f64),
        ("null" | "bool" | "int" | "float", _) => {
            return Err(Problem::new(
                span,
                format!("`{text}` is not a valid `!!{}` value", tag.suffix),
            ));
        }
        _ => return Err(unsupported_tag(tag, span)),
    };
    Ok(value)
}

fn check_collection_tag(tag: Option<&Tag>, expected: &str, span: Span) -> Result<(), Problem> {
    match tag {
        Some(tag) if !(tag.is_yaml_core_schema() && tag.suffix == expected) => {
            Err(unsupported_tag(tag, span))
        }
        _ => Ok(()),
    }
}

fn unsupported_tag(tag: &Tag, span: Span) -> Problem {
    Problem::new(span, format!("the YAML tag `{tag}` is not supported here"))
        .help("remove the tag; only the core tags !!str, !!int, !!float, !!bool, !!null, !!seq and !!map are understood")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Node, String> {
        let source = SourceFile::new("t.yaml", text);
        let mut diags = Diagnostics::new();
        let node = parse(&source, &mut diags);
        match diags.finish(&source, node) {
            Ok((Some(node), _)) => Ok(node),
            Ok((None, _)) => Err("no node".into()),
            Err(report) => Err(report.one_line_messages().join("\n")),
        }
    }

    #[test]
    fn nodes_carry_exact_spans() {
        let node = load("a:\n  b: [1, 'two']\n").unwrap();
        let NodeValue::Map(entries) = &node.value else {
            panic!()
        };
        let NodeValue::Map(inner) = &entries[0].1.value else {
            panic!()
        };
        let (key, value) = &inner[0];
        assert_eq!((key.span.line, key.span.column), (2, 3));
        let NodeValue::Seq(items) = &value.value else {
            panic!()
        };
        assert_eq!(items[1].value, NodeValue::Str("two".into()));
        assert_eq!((items[1].span.line, items[1].span.column), (2, 10));
    }

    #[test]
    fn aliases_expand_and_are_bounded() {
        let node = load("a: &x [1, 2]\nb: *x\n").unwrap();
        let NodeValue::Map(entries) = &node.value else {
            panic!()
        };
        assert_eq!(entries[0].1.value, entries[1].1.value);

        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = i - 1;
            bomb.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let error = load(&bomb).unwrap_err();
        assert!(error.contains("more than 200000 YAML nodes"), "{error}");
    }

    #[test]
    fn syntax_errors_point_at_their_place() {
        let error = load("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(error.starts_with("t.yaml:"), "{error}");
        assert!(error.contains("YAML syntax error"), "{error}");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert!(load(&text).unwrap_err().contains("deeper than 32 levels"));
    }

    #[test]
    fn second_documents_and_empty_files_are_refused() {
        assert!(
            load("a: 1\n---\nb: 2\n")
                .unwrap_err()
                .contains("second one")
        );
        assert!(load("# nothing\n").unwrap_err().contains("empty"));
    }

    #[test]
    fn core_tags_work_and_others_are_refused() {
        let node = load("a: !!str 12\n").unwrap();
        let NodeValue::Map(entries) = &node.value else {
            panic!()
        };
        assert_eq!(entries[0].1.value, NodeValue::Str("12".into()));
        assert!(
            load("a: !custom 12\n")
                .unwrap_err()
                .contains("not supported")
        );
    }
}
