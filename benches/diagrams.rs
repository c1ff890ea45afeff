//! `diagram-bench`: how fast ```` ```mermaid ```` blocks are drawn, printed, never asserted.
//!
//! Each source gets a different comment line per run, so the drawn-diagram cache (which spares
//! a writer redrawing while typing elsewhere) never answers: these are first drawings.

use std::time::Instant;

use quire::markdown::diagram::diagram;

const CASES: &[(&str, &str)] = &[
    (
        "the tour's flowchart",
        "flowchart LR\n  Draft[Write the draft] --> Preview{Reads well?}\n  Preview -- not yet --> Draft\n  Preview -- yes --> Export[Export or publish]",
    ),
    (
        "a sequence of 6 messages",
        "sequenceDiagram\n  Writer->>Quire: type\n  Quire->>Store: autosave\n  Store-->>Quire: saved\n  Quire->>Preview: render\n  Preview-->>Writer: shown\n  Writer->>Quire: export",
    ),
    (
        "a class diagram of 4 classes",
        "classDiagram\n  Essay <|-- Draft\n  Essay <|-- Published\n  Library o-- Essay\n  Essay : +title\n  Essay : +words()\n  Library : +search(query)",
    ),
];

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        let avg: Vec<&str> = load.split_whitespace().take(3).collect();
        println!("load average {}", avg.join(" "));
    }
    let mut fifty = String::from("flowchart TD\n");
    for i in 0..50 {
        fifty.push_str(&format!(
            "  n{i}[Step {i}] --> n{}[Step {}]\n",
            i + 1,
            i + 1
        ));
    }
    let cases: Vec<(&str, String)> = CASES
        .iter()
        .map(|(n, s)| (*n, s.to_string()))
        .chain([("a flowchart of 51 nodes", fifty)])
        .collect();
    for (name, source) in &cases {
        let runs = 40;
        let start = Instant::now();
        for run in 0..runs {
            let drawn = diagram(&format!("{source}\n%% run {run}")).expect("draws");
            std::hint::black_box(drawn);
        }
        let each = start.elapsed().as_secs_f64() / f64::from(runs);
        println!(
            "diagram {name:>28}: {:.2} ms each, {:.0} diagrams/s",
            each * 1000.0,
            1.0 / each
        );
    }
}
