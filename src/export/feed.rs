//! The site's Atom feed and sitemap, written by hand as XML.
//!
//! Both want absolute links: with `base_url` set in `quire.toml`, entries link to the pages
//! on the site. Without it, the feed falls back to `tag:` ids and relative links, and the
//! sitemap, which must be absolute, is left out.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::essay::slugify;

use super::site::Entry;
use super::Exporter;

impl Exporter {
    fn page_url(&self, slug: &str) -> String {
        format!("{}{slug}/", self.settings.base_url.as_deref().unwrap_or(""))
    }

    /// An Atom feed of the newest essays, with their full text.
    pub(super) fn feed(&self, essays: &[&Entry], html: &HashMap<String, String>) -> String {
        let s = &self.settings;
        let updated = essays
            .iter()
            .filter_map(|e| e.essay.front.updated.max(e.essay.front.date))
            .max()
            .map_or_else(|| "1970-01-01T00:00:00+00:00".to_string(), |d| d.rfc3339());
        let site_id = s
            .base_url
            .clone()
            .unwrap_or_else(|| format!("tag:quire.invalid,2000:{}", slugify(&s.title)));
        let mut xml = String::with_capacity(64 * 1024);
        xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"");
        let _ = writeln!(xml, " xml:lang=\"{}\">", xml_escape(&s.language));
        let _ = writeln!(xml, "  <title>{}</title>", xml_escape(&s.title));
        if !s.description.is_empty() {
            let _ = writeln!(xml, "  <subtitle>{}</subtitle>", xml_escape(&s.description));
        }
        let _ = writeln!(xml, "  <id>{}</id>", xml_escape(&site_id));
        let _ = writeln!(xml, "  <updated>{updated}</updated>");
        let author = if s.author.is_empty() {
            &s.title
        } else {
            &s.author
        };
        let _ = writeln!(
            xml,
            "  <author><name>{}</name></author>",
            xml_escape(author)
        );
        if let Some(base) = &s.base_url {
            let _ = writeln!(xml, "  <link href=\"{}\"/>", xml_escape(base));
            let _ = writeln!(
                xml,
                "  <link rel=\"self\" href=\"{}feed.xml\"/>",
                xml_escape(base)
            );
        }
        let _ = writeln!(xml, "  <generator>Quire</generator>");
        for entry in essays.iter().take(s.feed_entries) {
            let e = &entry.essay;
            let url = self.page_url(&entry.slug);
            let id = match &s.base_url {
                Some(_) => url.clone(),
                None => format!(
                    "tag:quire.invalid,{}:{}",
                    e.front.date.map_or("2000-01-01".into(), |d| d.iso_day()),
                    entry.slug
                ),
            };
            let published = e
                .front
                .date
                .map_or_else(|| updated.clone(), |d| d.rfc3339());
            let entry_updated = e
                .front
                .updated
                .or(e.front.date)
                .map_or_else(|| updated.clone(), |d| d.rfc3339());
            let _ = writeln!(xml, "  <entry>");
            let _ = writeln!(xml, "    <title>{}</title>", xml_escape(&e.title()));
            let _ = writeln!(xml, "    <link href=\"{}\"/>", xml_escape(&url));
            let _ = writeln!(xml, "    <id>{}</id>", xml_escape(&id));
            let _ = writeln!(xml, "    <published>{published}</published>");
            let _ = writeln!(xml, "    <updated>{entry_updated}</updated>");
            for tag in &e.front.tags {
                let _ = writeln!(xml, "    <category term=\"{}\"/>", xml_escape(tag));
            }
            if let Some(summary) = &e.front.summary {
                let _ = writeln!(xml, "    <summary>{}</summary>", xml_escape(summary));
            }
            if let Some(body) = html.get(&entry.slug) {
                let _ = writeln!(
                    xml,
                    "    <content type=\"html\" xml:base=\"{}\">{}</content>",
                    xml_escape(&url),
                    xml_escape(body)
                );
            }
            let _ = writeln!(xml, "  </entry>");
        }
        xml.push_str("</feed>\n");
        xml
    }

    /// The sitemap, or `None` without a base URL: its entries must be absolute URLs, so a
    /// sitemap of relative ones would be invalid (`quire check` says so).
    pub(super) fn sitemap(&self, essays: &[&Entry]) -> Option<String> {
        let base = self.settings.base_url.as_deref()?;
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        let _ = writeln!(xml, "  <url><loc>{}</loc></url>", xml_escape(base));
        for entry in essays {
            let _ = write!(
                xml,
                "  <url><loc>{}</loc>",
                xml_escape(&self.page_url(&entry.slug))
            );
            if let Some(d) = entry.essay.front.updated.or(entry.essay.front.date) {
                let _ = write!(xml, "<lastmod>{}</lastmod>", d.iso_day());
            }
            xml.push_str("</url>\n");
        }
        xml.push_str("</urlset>\n");
        Some(xml)
    }
}

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 forbids outright would make the whole feed unreadable.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            '\u{fffe}' | '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escape_drops_characters_xml_forbids() {
        assert_eq!(xml_escape("a\u{1}<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
    }
}
