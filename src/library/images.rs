//! Images the writer pastes or drops into an essay: [`Library::add_image`] copies the bytes into
//! an `assets/` folder beside the essay and gives back the relative link to insert. The folder
//! sits beside the essay (not under a folder named after it), so renaming the essay, which
//! keeps it in its folder, leaves every image link working.

use std::path::Path;

use super::{content_hash, unknown, EssayId, Library};
use crate::error::{Error, Result};
use crate::url::image_mime;

/// The folder, beside the essay, that pasted and dropped images go into.
pub const ASSETS: &str = "assets";

/// Pasted images larger than this are refused: an essay folder is not a photo library.
pub const MAX_IMAGE_BYTES: usize = 25 * 1024 * 1024;

/// Where an added image went.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AddedImage {
    /// The link to put in the essay, relative to it: `assets/name.png`.
    pub link: String,
    /// The file, relative to the essays folder.
    pub path: String,
}

impl Library {
    /// Copies an image into `assets/` beside essay `id` under a safe version of `name`. The
    /// same bytes added twice reuse one file; a different image with a taken name gets a
    /// numbered name. The write is atomic and never leaves the essays folder.
    pub fn add_image(&self, id: EssayId, name: &str, bytes: &[u8]) -> Result<AddedImage> {
        let file_name = image_file_name(name, bytes)?;
        if bytes.len() > MAX_IMAGE_BYTES {
            return Err(Error::Invalid(format!(
                "{name} is {:.1} MB; images added to an essay are limited to {} MB",
                bytes.len() as f64 / 1e6,
                MAX_IMAGE_BYTES / (1024 * 1024)
            )));
        }
        let row = self.store().read().essay(id)?.ok_or_else(|| unknown(id))?;
        let dir = row
            .path
            .as_deref()
            .and_then(|p| Path::new(p).parent())
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        let in_folder = |file: &str| {
            if dir.is_empty() {
                format!("{ASSETS}/{file}")
            } else {
                format!("{dir}/{ASSETS}/{file}")
            }
        };
        let (stem, ext) = match file_name.rsplit_once('.') {
            Some((stem, ext)) => (stem.to_string(), ext.to_string()),
            None => (file_name.clone(), String::new()),
        };
        let hash = content_hash(bytes);
        for n in 1..1000 {
            let candidate = if n == 1 {
                file_name.clone()
            } else {
                format!("{stem}-{n}.{ext}")
            };
            let key = in_folder(&candidate);
            let path = self.writable(&key)?;
            match std::fs::read(&path) {
                Ok(existing) if content_hash(&existing) == hash => {}
                Ok(_) => continue,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    super::write_atomic(&path, bytes)?;
                }
                Err(e) => return Err(Error::io(&path, e)),
            }
            return Ok(AddedImage {
                link: format!("{ASSETS}/{candidate}"),
                path: key,
            });
        }
        Err(Error::Invalid(format!(
            "too many images named {file_name} in {ASSETS}/; rename some"
        )))
    }
}

/// A file name made of `[a-z0-9-]` with the image's extension, from what the writer's system
/// called it; `image-<hash>` when nothing usable is left (a pasted screenshot has no name).
fn image_file_name(name: &str, bytes: &[u8]) -> Result<String> {
    let base = Path::new(name)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (stem, ext) = match base.rsplit_once('.') {
        Some((stem, ext)) => (stem.to_string(), ext.to_ascii_lowercase()),
        None => (base.clone(), String::new()),
    };
    let ext = if image_mime(Path::new(&format!("x.{ext}"))).is_some() {
        ext
    } else {
        sniff(bytes)
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "{name} is not an image Quire can show (PNG, JPEG, GIF, WebP, AVIF or SVG)"
                ))
            })?
            .to_string()
    };
    let ext = if ext == "jpeg" {
        "jpg".to_string()
    } else {
        ext
    };
    let mut stem = crate::essay::slugify(&stem);
    stem.truncate(60);
    let stem = stem.trim_matches('-').to_string();
    let stem = if stem.is_empty() {
        format!("image-{}", &content_hash(bytes)[..8])
    } else {
        stem
    };
    Ok(format!("{stem}.{ext}"))
}

/// The image type from the first bytes, for pastes that arrive without a name.
fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if bytes.starts_with(b"\xff\xd8\xff") {
        Some("jpg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("gif")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("webp")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_made_safe_and_keep_their_image_type() {
        let png = b"\x89PNG\r\n\x1a\nrest";
        assert_eq!(
            image_file_name("My Photo (1).PNG", png).unwrap(),
            "my-photo-1.png"
        );
        assert_eq!(image_file_name("../../etc/x.jpeg", png).unwrap(), "x.jpg");
        assert!(image_file_name("", png).unwrap().starts_with("image-"));
        assert!(image_file_name("", png).unwrap().ends_with(".png"));
        assert_eq!(image_file_name("paste", png).unwrap(), "paste.png");
        let err = image_file_name("notes.txt", b"hello").unwrap_err();
        assert!(err.to_string().contains("not an image"), "{err}");
    }

    #[test]
    fn an_added_image_lands_beside_the_essay_and_survives_a_rename() {
        let dir = tempfile::tempdir().unwrap();
        let essays = dir.path().join("essays");
        std::fs::create_dir_all(essays.join("travel")).unwrap();
        std::fs::write(
            essays.join("travel/rome.md"),
            "---\ntitle: Rome\n---\nText.\n",
        )
        .unwrap();
        let library = Library::open(&essays, &dir.path().join("q.db")).unwrap();
        library.scan().unwrap();
        let id = library.find(&essays.join("travel/rome.md")).unwrap().id;
        let png = b"\x89PNG\r\n\x1a\nfirst";
        let added = library.add_image(id, "Forum at dusk.png", png).unwrap();
        assert_eq!(added.link, "assets/forum-at-dusk.png");
        assert_eq!(added.path, "travel/assets/forum-at-dusk.png");
        assert_eq!(std::fs::read(essays.join(&added.path)).unwrap(), png);

        // The same bytes again reuse the file; other bytes under the name get a new one.
        assert_eq!(
            library.add_image(id, "Forum at dusk.png", png).unwrap(),
            added
        );
        let other = library
            .add_image(id, "Forum at dusk.png", b"\x89PNG\r\n\x1a\nsecond")
            .unwrap();
        assert_eq!(other.link, "assets/forum-at-dusk-2.png");
        assert_eq!(
            std::fs::read(essays.join(&added.path)).unwrap(),
            png,
            "never overwritten"
        );

        // Renaming keeps the essay in its folder, so the relative link still finds the image.
        library.rename(id, "rome-in-winter.md").unwrap();
        let renamed = essays.join("travel/rome-in-winter.md");
        assert!(renamed.is_file());
        let resolved =
            crate::url::resolve_relative(Path::new("travel/rome-in-winter.md"), &added.link)
                .unwrap();
        assert!(essays.join(resolved).is_file());
    }
}
