//! The `quire-asset` protocol: how the preview shows an essay's local images. It serves image
//! files only, and only from inside the essays folder once links are resolved, so an essay
//! cannot use the preview to read any other file on the machine. Links are read by the core's
//! one parser ([`LocalLink`]), so the preview shows exactly the images an export publishes.

use std::path::Path;

use quire::markdown::Urls;
use quire::url::{folder_path, image_mime, percent_encode_path, LocalLink};
use tauri::http::{header, Request, Response, StatusCode};

/// The URI scheme; the preview's `<base>` points into it.
pub const SCHEME: &str = "quire-asset";

/// Files larger than this are not served to the preview.
const MAX_IMAGE_BYTES: u64 = 20 * 1024 * 1024;

/// The URL of a file of the library (relative, `/`-separated).
pub fn url(file: &str) -> String {
    let file = percent_encode_path(file.trim_start_matches('/'));
    if cfg!(windows) {
        format!("http://{SCHEME}.localhost/{file}")
    } else {
        format!("{SCHEME}://localhost/{file}")
    }
}

/// The preview's [`Urls`]: a relative image becomes its absolute `quire-asset` URL (the page
/// is an `about:srcdoc` document with no base of its own; a `<base>` would also break `#`
/// links); the protocol then serves it only if it really is inside the folder.
pub struct PreviewUrls<'a> {
    /// The essay's path relative to the folder root.
    pub essay: &'a Path,
}

impl Urls for PreviewUrls<'_> {
    fn image(&self, url: &str) -> Option<String> {
        let resolved = LocalLink::parse(url)?.resolve(self.essay)?;
        Some(self::url(&resolved.to_string_lossy().replace('\\', "/")))
    }
}

/// Answers one request against the (canonical) essays folder.
pub fn respond(root: &Path, request: &Request<Vec<u8>>) -> Response<Vec<u8>> {
    match serve(root, request.uri().path()) {
        Ok((mime, bytes)) => Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, mime)
            .header("X-Content-Type-Options", "nosniff")
            // An SVG opened on its own must not run script either.
            .header(
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'",
            )
            .body(bytes)
            .unwrap_or_else(|_| refuse(StatusCode::INTERNAL_SERVER_ERROR)),
        Err(status) => refuse(status),
    }
}

fn refuse(status: StatusCode) -> Response<Vec<u8>> {
    let mut response = Response::new(Vec::new());
    *response.status_mut() = status;
    response
}

/// The image at `url_path` inside `root`, with its MIME type.
pub fn serve(root: &Path, url_path: &str) -> Result<(&'static str, Vec<u8>), StatusCode> {
    let relative = folder_path(url_path).ok_or(StatusCode::FORBIDDEN)?;
    let mime = image_mime(&relative).ok_or(StatusCode::FORBIDDEN)?;
    let real = root
        .join(&relative)
        .canonicalize()
        .map_err(|_| StatusCode::NOT_FOUND)?;
    if !real.starts_with(root) {
        return Err(StatusCode::FORBIDDEN);
    }
    let meta = std::fs::metadata(&real).map_err(|_| StatusCode::NOT_FOUND)?;
    if !meta.is_file() || meta.len() > MAX_IMAGE_BYTES {
        return Err(StatusCode::NOT_FOUND);
    }
    std::fs::read(&real)
        .map(|bytes| (mime, bytes))
        .map_err(|_| StatusCode::NOT_FOUND)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serves_images_inside_the_folder_and_nothing_else() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.png"), "secret").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir(root.join("assets")).unwrap();
        std::fs::write(root.join("assets/a b.png"), "png").unwrap();
        std::fs::write(root.join("essay.md"), "text").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(
            outside.path().join("secret.png"),
            root.join("assets/link.png"),
        )
        .unwrap();

        assert_eq!(
            serve(&root, "/assets/a%20b.png").unwrap(),
            ("image/png", b"png".to_vec())
        );
        assert_eq!(
            serve(&root, "/essay.md").unwrap_err(),
            StatusCode::FORBIDDEN,
            "not an image"
        );
        assert_eq!(
            serve(&root, "/../secret.png").unwrap_err(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            serve(&root, "/assets/%2E%2E/%2E%2E/secret.png").unwrap_err(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            serve(&root, "/assets/missing.png").unwrap_err(),
            StatusCode::NOT_FOUND
        );
        for backslash in [
            "/assets%5Ca%20b.png",
            "/assets\\a%20b.png",
            "/%5C%5Chost/x.png",
        ] {
            assert_eq!(
                serve(&root, backslash).unwrap_err(),
                StatusCode::FORBIDDEN,
                "{backslash}: a backslash is not a folder separator here"
            );
        }
        #[cfg(unix)]
        assert_eq!(
            serve(&root, "/assets/link.png").unwrap_err(),
            StatusCode::FORBIDDEN,
            "links out are refused"
        );
    }

    #[cfg(not(windows))]
    #[test]
    fn preview_images_become_absolute_urls_in_the_essays_folder() {
        let urls = PreviewUrls {
            essay: Path::new("2015/may/essay.md"),
        };
        assert_eq!(
            urls.image("fig.png").as_deref(),
            Some("quire-asset://localhost/2015/may/fig.png")
        );
        assert_eq!(
            urls.image("../../assets/a%20b.png").as_deref(),
            Some("quire-asset://localhost/assets/a%20b.png")
        );
        assert_eq!(urls.image("../../../etc/passwd"), None, "cannot climb out");
        assert_eq!(
            urls.image("https://example.org/x.png"),
            None,
            "left as written"
        );
        assert_eq!(urls.image("/abs.png"), None);
        for network in [
            r"\\host\share\x.png",
            "//host/x.png",
            r"/\host/x.png",
            r"fig\x.png",
        ] {
            assert_eq!(
                urls.image(network),
                None,
                "{network}: not a file in the folder"
            );
        }
    }
}
