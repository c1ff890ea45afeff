//! The git target: the exported site (the same `site` export as `quire export`) committed to a
//! branch of a remote and pushed.
//!
//! This runs the `git` program rather than linking libgit2: the writer's own git already knows
//! their SSH keys, credential helpers and proxies, and pushing through it behaves exactly as a
//! push from their terminal. Every run clones the branch's tip afresh into a temporary folder
//! and commits the export on top of it, so the push is a fast-forward and can never drop a
//! commit. If the branch has commits Quire did not push since its last publish, that is drift:
//! it stops unless the writer chooses to publish over them (their commits stay in history).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{Action, OnDrift, Outcome, PostStatus, PublishOptions, RemoteState, Step, Target};
use crate::error::{Error, Remedy, Result};
use crate::export::{Exporter, SiteOptions, MANIFEST};
use crate::store::{PublishRecord, Store};

/// The longest any one git command may take (a clone of a large site over a slow link).
const GIT_TIMEOUT: Duration = Duration::from_secs(300);

fn branch(target: &Target) -> &str {
    target
        .branch
        .as_deref()
        .filter(|b| !b.is_empty())
        .unwrap_or("gh-pages")
}

fn fail(target: &Target, message: String) -> Error {
    Error::Remote {
        target: target.name.clone(),
        message,
    }
}

/// Runs git with a deadline; its stdout, or a sentence with what git said.
fn git(target: &Target, dir: Option<&Path>, args: &[&str], timeout: Duration) -> Result<String> {
    let mut command = Command::new("git");
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    // Never wait on a password prompt nobody sees; the writer's helpers and keys still work.
    command
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env(
            "GIT_SSH_COMMAND",
            std::env::var("GIT_SSH_COMMAND").unwrap_or_else(|_| "ssh -o BatchMode=yes".into()),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().map_err(|e| {
        fail(
            target,
            format!("could not run git ({e}); install git to publish to a git remote"),
        )
    })?;
    let mut out = child.stdout.take().expect("piped");
    let mut err = child.stderr.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = out.read_to_string(&mut text);
        text
    });
    let err_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = err.read_to_string(&mut text);
        text
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(fail(
                    target,
                    format!(
                        "git {} took longer than {} s and was stopped; check the remote and your connection",
                        args.first().unwrap_or(&""),
                        timeout.as_secs()
                    ),
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(fail(target, format!("git failed: {e}"))),
        }
    };
    let stdout = reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    if status.success() {
        Ok(stdout)
    } else {
        let said: String = stderr
            .lines()
            .rfind(|l| !l.trim().is_empty())
            .unwrap_or("")
            .chars()
            .take(300)
            .collect();
        Err(fail(
            target,
            format!(
                "git {} failed: {}",
                args.first().unwrap_or(&""),
                said.trim()
            ),
        ))
    }
}

/// The commit the remote branch is at, `None` when it has no such branch.
fn remote_tip(target: &Target) -> Result<Option<String>> {
    let refname = format!("refs/heads/{}", branch(target));
    let out = git(
        target,
        None,
        &["ls-remote", "--", &target.url, &refname],
        Duration::from_secs(60),
    )
    .map_err(|e| match e {
        Error::Remote {
            target: name,
            message,
        } => Error::Remote {
            target: name,
            message: format!("{message} (is the remote's URL right and reachable?)"),
        },
        other => other,
    })?;
    Ok(out
        .lines()
        .find(|l| l.ends_with(&refname))
        .and_then(|l| l.split_whitespace().next())
        .map(str::to_string))
}

/// Checks the remote can be reached.
pub(super) fn check(target: &Target) -> Result<()> {
    remote_tip(target).map(drop)
}

/// Whether the branch moved since Quire's last push.
pub(super) fn remote_state(target: &Target, record: &PublishRecord) -> Result<RemoteState> {
    Ok(match remote_tip(target)? {
        None => RemoteState::Deleted,
        Some(tip) if Some(&tip) != record.remote_stamp.as_ref() => RemoteState::Changed,
        Some(_) => RemoteState::Same,
    })
}

/// A folder removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Scratch> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir =
            std::env::temp_dir().join(format!("quire-publish-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Makes `work` (a checkout) hold exactly the files of `site`, leaving `.git` alone.
fn mirror(site: &Path, work: &Path) -> Result<()> {
    for entry in std::fs::read_dir(work).map_err(|e| Error::io(work, e))? {
        let entry = entry.map_err(|e| Error::io(work, e))?;
        if entry.file_name() == ".git" {
            continue;
        }
        let path = entry.path();
        let removed = if path.is_dir() && !path.is_symlink() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        removed.map_err(|e| Error::io(&path, e))?;
    }
    for entry in walkdir::WalkDir::new(site).min_depth(1) {
        let entry = entry.map_err(|e| Error::Internal(e.to_string()))?;
        let relative = entry.path().strip_prefix(site).unwrap_or(entry.path());
        if relative == Path::new(MANIFEST) {
            continue;
        }
        let dest = work.join(relative);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).map_err(|e| Error::io(&dest, e))?;
        } else if entry.file_type().is_file() {
            std::fs::copy(entry.path(), &dest).map_err(|e| Error::io(&dest, e))?;
        }
    }
    Ok(())
}

/// Exports the site and pushes it to the target's branch.
pub(super) fn publish_site(
    exporter: &Exporter,
    store: &mut Store,
    target: &Target,
    options: &PublishOptions,
    progress: &dyn Fn(&Step),
) -> Result<Outcome> {
    let total = 4;
    // Cancel is honoured between steps, up to the push; after it the site is out and recorded.
    let step = |done: usize, doing: &str| -> Result<()> {
        if done < total && options.cancel.is_cancelled() {
            return Err(Error::Remote {
                target: target.name.clone(),
                message: "publishing was cancelled; nothing was pushed".into(),
            });
        }
        progress(&Step {
            done,
            total,
            doing: doing.to_string(),
        });
        Ok(())
    };
    let root = exporter
        .library
        .canonical_root
        .to_string_lossy()
        .into_owned();
    let branch = branch(target).to_string();
    let record = store.read().publish_record(&root, "", &target.name)?;
    step(0, &format!("Asking {} where {branch} is", target.name))?;
    let tip = remote_tip(target)?;
    let pushed_before = record.as_ref().and_then(|r| r.remote_stamp.clone());
    if tip.is_some() && tip != pushed_before && options.on_drift != OnDrift::Overwrite {
        let short = |s: &Option<String>| {
            s.as_deref()
                .map_or("nothing".to_string(), |s| s[..s.len().min(8)].to_string())
        };
        let message = if pushed_before.is_some() {
            format!(
                "the branch {branch} has commits Quire did not push (it is at {}, Quire last pushed {})",
                short(&tip),
                short(&pushed_before)
            )
        } else {
            format!(
                "the branch {branch} already has commits (at {}) that Quire did not push",
                short(&tip)
            )
        };
        return Err(Error::Drift {
            target: target.name.clone(),
            message,
            remedy: Remedy::Overwrite,
        });
    }

    let scratch = Scratch::new()?;
    let site = scratch.0.join("site");
    let work = scratch.0.join("work");
    step(1, "Exporting the site")?;
    let report = exporter.site(
        &SiteOptions {
            out: site.clone(),
            drafts: false,
        },
        &|_, _| {},
    )?;
    if let Some(first) = report.failed.into_iter().next() {
        return Err(first);
    }
    step(2, &format!("Committing to {branch}"))?;
    let work_str = work.to_string_lossy().into_owned();
    match &tip {
        Some(_) => {
            git(
                target,
                None,
                &[
                    "clone",
                    "--quiet",
                    "--depth",
                    "1",
                    "--branch",
                    &branch,
                    "--",
                    &target.url,
                    &work_str,
                ],
                GIT_TIMEOUT,
            )?;
        }
        None => {
            git(
                target,
                None,
                &["init", "--quiet", "-b", &branch, &work_str],
                GIT_TIMEOUT,
            )?;
            git(
                target,
                Some(&work),
                &["remote", "add", "origin", &target.url],
                GIT_TIMEOUT,
            )?;
        }
    }
    mirror(&site, &work)?;
    git(target, Some(&work), &["add", "--all"], GIT_TIMEOUT)?;
    let changed = tip.is_none()
        || git(
            target,
            Some(&work),
            &["diff", "--cached", "--quiet"],
            GIT_TIMEOUT,
        )
        .is_err();
    let url = exporter
        .settings
        .base_url
        .clone()
        .unwrap_or_else(|| target.url.clone());
    if !changed {
        return Ok(Outcome {
            action: Action::UpToDate,
            url,
            status: PostStatus::Publish,
            images_uploaded: 0,
            images_reused: 0,
            warnings: report.warnings,
        });
    }
    if options.dry_run {
        return Ok(Outcome {
            action: if tip.is_some() {
                Action::WouldUpdate
            } else {
                Action::WouldCreate
            },
            url,
            status: PostStatus::Publish,
            images_uploaded: 0,
            images_reused: 0,
            warnings: report.warnings,
        });
    }
    // The writer's own git identity when they have one; otherwise the commit says it is Quire's.
    let has_identity = git(target, Some(&work), &["config", "user.email"], GIT_TIMEOUT).is_ok();
    let message = format!("Publish the site from Quire ({} essays)", report.essays);
    let mut commit = vec!["-c", "commit.gpgsign=false"];
    if !has_identity {
        commit.extend(["-c", "user.name=Quire", "-c", "user.email=quire@localhost"]);
    }
    commit.extend(["commit", "--quiet", "-m", &message]);
    git(target, Some(&work), &commit, GIT_TIMEOUT)?;
    let head = git(target, Some(&work), &["rev-parse", "HEAD"], GIT_TIMEOUT)?
        .trim()
        .to_string();
    let tree = git(
        target,
        Some(&work),
        &["rev-parse", "HEAD^{tree}"],
        GIT_TIMEOUT,
    )?
    .trim()
    .to_string();
    step(3, &format!("Pushing to {}", target.name))?;
    // A plain push only fast-forwards: if someone pushed since the clone, it is refused.
    let refspec = format!("HEAD:refs/heads/{branch}");
    git(target, Some(&work), &["push", "--quiet", "origin", &refspec], GIT_TIMEOUT).map_err(|e| match e {
        Error::Remote { target: name, message } => Error::Remote {
            target: name,
            message: format!("{message}. Nothing was overwritten: if someone pushed to {branch} meanwhile, publish again"),
        },
        other => other,
    })?;
    let new_record = PublishRecord {
        root,
        path: String::new(),
        target: target.name.clone(),
        remote_id: branch,
        url: url.clone(),
        slug: String::new(),
        status: "publish".into(),
        at: chrono::Utc::now().timestamp_millis(),
        pushed_hash: tree,
        remote_hash: head.clone(),
        remote_stamp: Some(head),
    };
    store.transaction(|tx| tx.put_publish_record(&new_record, None))?;
    step(4, "Published the site")?;
    Ok(Outcome {
        action: if tip.is_some() {
            Action::Updated
        } else {
            Action::Created
        },
        url,
        status: PostStatus::Publish,
        images_uploaded: 0,
        images_reused: 0,
        warnings: report.warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::publish::{Cancel, TargetKind};

    #[test]
    fn a_cancelled_publish_pushes_nothing_and_records_nothing() {
        let dir = tempfile::tempdir().expect("temp");
        let essays = dir.path().join("essays");
        std::fs::create_dir_all(&essays).expect("essays");
        std::fs::write(
            essays.join("one.md"),
            "---\ntitle: One\ndate: 2024-01-01\nstatus: published\n---\n\nWords.\n",
        )
        .expect("essay");
        let remote = dir.path().join("site.git");
        let made = std::process::Command::new("git")
            .args(["init", "--quiet", "--bare"])
            .arg(&remote)
            .status()
            .expect("git runs");
        assert!(made.success());
        let exporter = Exporter::open(&essays).expect("exporter");
        let mut store = Store::open(&dir.path().join("quire.db")).expect("store");
        let target = Target {
            name: "pages".into(),
            kind: TargetKind::Git,
            url: remote.to_string_lossy().into_owned(),
            user: None,
            branch: Some("gh-pages".into()),
        };
        let cancel = Cancel::new();
        cancel.cancel();
        let options = PublishOptions {
            cancel,
            ..PublishOptions::default()
        };
        let error =
            publish_site(&exporter, &mut store, &target, &options, &|_| {}).expect_err("cancelled");
        assert!(error.to_string().contains("cancelled"), "{error}");
        let root = exporter
            .library
            .canonical_root
            .to_string_lossy()
            .into_owned();
        assert!(store
            .read()
            .publish_record(&root, "", "pages")
            .expect("read")
            .is_none());
        let refs = std::process::Command::new("git")
            .args(["for-each-ref"])
            .current_dir(&remote)
            .output()
            .expect("git runs");
        assert!(refs.stdout.is_empty(), "nothing was pushed");
    }
}
