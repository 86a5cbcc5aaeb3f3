//! mdbook-katex silently falls back to its defaults, CDN stylesheet included, when a single
//! key of `[preprocessor.katex]` fails to parse; and it ignores misspelt keys. Both fail here.

use std::collections::BTreeSet;
use std::path::Path;

use mdbook_katex::cfg::KatexConfig;

/// Keys that belong to mdBook itself rather than to the preprocessor.
const MDBOOK_KEYS: [&str; 5] = ["command", "before", "after", "renderers", "optional"];

pub fn check(root: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(root.join("book.toml")).unwrap();
    let config: toml::Table = match toml::from_str(&text) {
        Ok(c) => c,
        Err(e) => return vec![format!("book.toml does not parse: {e}")],
    };
    let Some(katex) = config
        .get("preprocessor")
        .and_then(|p| p.get("katex"))
        .and_then(|k| k.as_table())
    else {
        return vec!["book.toml has no [preprocessor.katex] table".into()];
    };

    let mut known: BTreeSet<String> = match toml::Value::try_from(KatexConfig::default()) {
        Ok(toml::Value::Table(defaults)) => defaults.keys().cloned().collect(),
        other => panic!("KatexConfig's defaults should serialise to a table: {other:?}"),
    };
    known.insert("macros".into()); // an Option, absent from the serialised defaults

    let mut problems: Vec<String> = katex
        .keys()
        .filter(|k| !MDBOOK_KEYS.contains(&k.as_str()) && !known.contains(*k))
        .map(|k| format!("unknown key `{k}` (mdbook-katex would ignore it)"))
        .collect();
    let own: toml::Table = katex
        .iter()
        .filter(|(k, _)| !MDBOOK_KEYS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    match toml::Value::Table(own).try_into::<KatexConfig>() {
        Err(e) => problems.push(format!(
            "does not parse, so mdbook-katex would drop all of it: {e}"
        )),
        Ok(cfg) if !cfg.no_css => problems.push(
            "no-css must be true: the KaTeX stylesheet is served from book/katex/, not a CDN"
                .into(),
        ),
        Ok(_) => {}
    }
    problems
}
