//! `publish-bench`: publishing the sample essay with one image to the local WordPress that
//! `scripts/servers.sh run` starts, printed, never asserted.
//!
//!     bash scripts/servers.sh run cargo bench --bench publish-bench -j2
//!
//! Figures: a first publish (tags looked up, the image uploaded, the post made), a re-publish
//! with nothing changed (the post read back and compared; nothing sent), and an update after a
//! one-line edit. Budgets (issue 11): under 1 s and under 0.3 s on loopback.

use std::path::Path;
use std::time::{Duration, Instant};

use quire::export::Exporter;
use quire::publish::{self, Action, PublishOptions, Publisher, Target, TargetKind};
use quire::store::Store;

const RUNS: usize = 7;

fn var(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} is not set: run me under `bash scripts/servers.sh run`"))
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let url = var("QUIRE_TEST_WP_URL");
    let dir = tempfile::tempdir().expect("temp dir");
    let essays = dir.path().join("essays");
    std::fs::create_dir_all(essays.join("assets")).expect("essays folder");
    let sample = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("essays/a-misplaced-focus.md"),
    )
    .expect("the sample essay");
    let mut store = Store::open(&dir.path().join("quire.db")).expect("store");
    let target = Target {
        name: "bench".into(),
        kind: TargetKind::Wordpress,
        url: url.clone(),
        user: Some(var("QUIRE_TEST_WP_USER")),
        branch: None,
    };
    publish::add_target(
        &mut store,
        &target,
        Some(&var("QUIRE_TEST_WP_PASSWORD")),
        true,
    )
    .expect("target added");
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        let avg: Vec<&str> = load.split_whitespace().take(3).collect();
        println!("load average {}", avg.join(" "));
    }

    let (mut first, mut again, mut update) = (Vec::new(), Vec::new(), Vec::new());
    let mut image_bytes = 0;
    for run in 0..RUNS {
        // Each run its own post and its own image (a new slug and new pixels), so that the first
        // publish really makes a post and uploads an image.
        let picture = image::RgbImage::from_fn(480, 320, |x, y| {
            image::Rgb([
                (x * 7 + y * 3 + run as u32 * 11) as u8,
                (x ^ y) as u8,
                (y * 5) as u8,
            ])
        });
        let mut png = std::io::Cursor::new(Vec::new());
        picture
            .write_to(&mut png, image::ImageFormat::Png)
            .expect("PNG");
        image_bytes = png.get_ref().len();
        std::fs::write(
            essays.join(format!("assets/figure-{run}.png")),
            png.into_inner(),
        )
        .expect("image");
        let text = sample.replacen(
            "---\n\n",
            &format!(
                "slug: bench-{run}-{}\n---\n\n![A figure](assets/figure-{run}.png)\n\n",
                std::process::id()
            ),
            1,
        );
        let file = essays.join(format!("bench-{run}.md"));
        std::fs::write(&file, &text).expect("essay");

        let exporter = Exporter::open(&essays).expect("exporter");
        let mut publisher = Publisher {
            exporter: &exporter,
            store: &mut store,
        };
        let options = PublishOptions::default();
        let timed = |publisher: &mut Publisher, expect: Action| {
            let start = Instant::now();
            let outcome = publisher
                .publish(&file, &target, &options, &|_| {})
                .expect("published");
            let took = start.elapsed();
            assert_eq!(
                outcome.action, expect,
                "the publish did what the figure claims"
            );
            took
        };
        first.push(timed(&mut publisher, Action::Created));
        again.push(timed(&mut publisher, Action::UpToDate));
        std::fs::write(&file, format!("{text}\nOne more line.\n")).expect("edit");
        update.push(timed(&mut publisher, Action::Updated));
    }
    let report = |what: &str, times: Vec<Duration>, budget: Option<f64>| {
        let (lo, hi) = (
            *times.iter().min().expect("runs"),
            *times.iter().max().expect("runs"),
        );
        let mid = median(times);
        let verdict = budget.map_or(String::new(), |b| {
            if mid.as_secs_f64() <= b {
                format!("  budget {b} s: met")
            } else {
                format!(
                    "  budget {b} s: MISSED by {:.0}%",
                    (mid.as_secs_f64() / b - 1.0) * 100.0
                )
            }
        });
        println!(
            "publish {what:>36}: median {} (min {}, max {}, {RUNS} runs){verdict}",
            ms(mid),
            ms(lo),
            ms(hi)
        );
    };
    println!(
        "the sample essay ({} words) with one {} KB PNG, to WordPress at {url}",
        sample.split_whitespace().count(),
        image_bytes / 1024
    );
    report("first (image uploaded, post made)", first, Some(1.0));
    report("again, nothing changed", again, Some(0.3));
    report("after a one-line edit (update)", update, None);
}
