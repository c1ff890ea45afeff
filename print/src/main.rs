//! `quire-print`: prints one HTML page to a PDF file with WebKitGTK, the engine that draws
//! Quire's preview, so the PDF is laid out as the writer saw the essay.
//!
//! `quire-print OUT.pdf [--paper a4|letter] [--title TITLE] [--author NAME] < PAGE.html`
//!
//! The page comes on standard input and is loaded with no base URL, JavaScript off and no
//! network: the caller (the core's PDF exporter) gives a self-contained page whose images and
//! fonts are data URIs and whose Content-Security-Policy allows nothing else. Exit status: 0
//! printed; 2 usage; 3 no display; 4 the page could not be laid out, printed or stamped.

mod marks;
mod stamp;

use std::cell::RefCell;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::rc::Rc;
use std::time::Duration;

use gtk::prelude::*;
use javascriptcore::ValueExt;
use webkit2gtk::{
    LoadEvent, NetworkProxyMode, NetworkProxySettings, PrintOperation, PrintOperationExt,
    SettingsExt, WebContext, WebContextExt, WebView, WebViewExt, WebsiteDataManagerExt,
};

/// Longer than any essay takes (a 1 MB essay prints in a few seconds); a stuck engine must not
/// hang an export forever.
const GIVE_UP_AFTER: Duration = Duration::from_secs(120);

/// The sheet's margins in millimetres: room for the running title above the text and the page
/// number below it. WebKit takes a printed page's margins from the page setup, not from CSS.
const MARGIN_TOP: f64 = 22.0;
const MARGIN_BOTTOM: f64 = 22.0;
const MARGIN_SIDE: f64 = 20.0;

pub struct Job {
    pub out: PathBuf,
    pub paper: &'static str,
    pub title: String,
    pub author: String,
}

fn usage(message: &str) -> ExitCode {
    eprintln!(
        "quire-print: {message}\nusage: quire-print OUT.pdf [--paper a4|letter] [--title TITLE] \
         [--author NAME] < PAGE.html"
    );
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let mut out = None;
    let mut paper = gtk::PAPER_NAME_A4;
    let mut title = String::from("Essay");
    let mut author = String::new();
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("--paper") => match args.next().as_ref().and_then(|a| a.to_str()) {
                Some("a4") => paper = gtk::PAPER_NAME_A4,
                Some("letter") => paper = gtk::PAPER_NAME_LETTER,
                _ => return usage("--paper is a4 or letter"),
            },
            Some("--title") => match args.next().and_then(|a| a.into_string().ok()) {
                Some(t) => title = t,
                None => return usage("--title needs a title"),
            },
            Some("--author") => match args.next().and_then(|a| a.into_string().ok()) {
                Some(a) => author = a,
                None => return usage("--author needs a name"),
            },
            _ if out.is_none() => out = Some(PathBuf::from(arg)),
            _ => return usage("one output file only"),
        }
    }
    let Some(out) = out else {
        return usage("name the PDF to write");
    };
    let out = match std::path::absolute(&out) {
        Ok(out) => out,
        Err(e) => return usage(&format!("{}: {e}", out.display())),
    };
    let mut html = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut html) {
        return usage(&format!(
            "the page on standard input is not UTF-8 text: {e}"
        ));
    }
    if gtk::init().is_err() {
        eprintln!(
            "quire-print: printing a PDF needs a display, because WebKitGTK lays the page out as \
             the preview does, and there is none (DISPLAY and WAYLAND_DISPLAY are unset or \
             unreachable). On a machine without one, run the export under xvfb-run: \
             xvfb-run quire export ESSAY.md --format pdf"
        );
        return ExitCode::from(3);
    }
    let job = Job {
        out,
        paper,
        title,
        author,
    };
    match run(&html, &job) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("quire-print: {message}");
            ExitCode::from(4)
        }
    }
}

/// Prints the page, then a sheet of running titles and page numbers as many pages long, and
/// lays the second over the first.
fn run(html: &str, job: &Job) -> Result<(), String> {
    let context = WebContext::default().ok_or("WebKit has no web context")?;
    // Nothing on the page may reach the network: every request goes to a port where nobody
    // listens. The page's own CSP already forbids it; this holds even if it did not.
    if let Some(data) = context.website_data_manager() {
        let mut proxy = NetworkProxySettings::new(Some("http://127.0.0.1:9"), &[]);
        data.set_network_proxy_settings(NetworkProxyMode::Custom, Some(&mut proxy));
    }
    let text = job.out.with_extension("text.pdf");
    let geometry = job.out.with_extension("marks.pdf");
    let margins = job.out.with_extension("margins.pdf");
    let result = (|| {
        let setup = page_setup(job.paper, true);
        print_page(&context, html, &text, &setup, true, None)?;
        // The same page again, laid out the same, with each link, heading and link target
        // painted in a colour of its own and everything else invisible: where those colours
        // land in the PDF is where the links and bookmarks go (WebKit's PDF has neither).
        let found = print_page(&context, html, &geometry, &setup, true, Some(marks::SCRIPT))?
            .unwrap_or_default();
        let placed = marks::place(&found, &geometry)?;
        if std::env::var_os("QUIRE_PRINT_DEBUG").is_some() {
            for (mark, spots) in &placed.marks {
                eprintln!("{mark:?} {spots:?}");
            }
        }
        let pages = stamp::page_count(&text)?;
        let sheet = stamp::margins_html(&job.title, pages, &setup);
        // Without backgrounds: the sheet's white page would cover the text it is laid over.
        print_page(
            &context,
            &sheet,
            &margins,
            &page_setup(job.paper, false),
            false,
            None,
        )?;
        stamp::finish(&text, &margins, &placed, job)
    })();
    for scratch in [&text, &geometry, &margins] {
        let _ = std::fs::remove_file(scratch);
    }
    result
}

fn page_setup(paper: &str, with_margins: bool) -> gtk::PageSetup {
    let setup = gtk::PageSetup::new();
    setup.set_paper_size(&gtk::PaperSize::new(Some(paper)));
    let (top, bottom, side) = if with_margins {
        (MARGIN_TOP, MARGIN_BOTTOM, MARGIN_SIDE)
    } else {
        (0.0, 0.0, 0.0)
    };
    setup.set_top_margin(top, gtk::Unit::Mm);
    setup.set_bottom_margin(bottom, gtk::Unit::Mm);
    setup.set_left_margin(side, gtk::Unit::Mm);
    setup.set_right_margin(side, gtk::Unit::Mm);
    setup
}

/// Lays `html` out in a view that is never shown and prints it to `to`, waiting in a nested
/// main loop until WebKit says it is done.
fn print_page(
    context: &WebContext,
    html: &str,
    to: &Path,
    setup: &gtk::PageSetup,
    backgrounds: bool,
    prepare: Option<&'static str>,
) -> Result<Option<String>, String> {
    let view = WebView::with_context(context);
    if let Some(settings) = WebViewExt::settings(&view) {
        // The page's own script never runs (it has none: the sanitizer and its CSP see to
        // that); only the printer's own, in a world of its own, when it asks.
        settings.set_enable_javascript(prepare.is_some());
        settings.set_enable_javascript_markup(false);
        settings.set_auto_load_images(true);
        settings.set_print_backgrounds(backgrounds);
    }
    // A view prints only once it is realised.
    let window = gtk::OffscreenWindow::new();
    window.add(&view);
    window.show_all();

    let outcome: Rc<RefCell<Option<Result<(), String>>>> = Rc::new(RefCell::new(None));
    let prepared: Rc<RefCell<Option<String>>> = Rc::new(RefCell::new(None));
    let uri = gtk::glib::filename_to_uri(to, None)
        .map(|u| u.to_string())
        .map_err(|e| format!("{}: {e}", to.display()))?;
    {
        let outcome = Rc::clone(&outcome);
        let setup = setup.clone();
        let started = std::cell::Cell::new(false);
        let prepared = Rc::clone(&prepared);
        view.connect_load_changed(move |view, event| {
            if event != LoadEvent::Finished || started.replace(true) {
                return;
            }
            let print = {
                let outcome = Rc::clone(&outcome);
                let setup = setup.clone();
                let uri = uri.clone();
                move |view: &WebView| {
                    let operation = PrintOperation::new(view);
                    let settings = gtk::PrintSettings::new();
                    settings.set_printer("Print to File");
                    settings.set(gtk::PRINT_SETTINGS_OUTPUT_FILE_FORMAT, Some("pdf"));
                    settings.set(gtk::PRINT_SETTINGS_OUTPUT_URI, Some(&uri));
                    operation.set_print_settings(&settings);
                    operation.set_page_setup(&setup);
                    let failed = Rc::clone(&outcome);
                    operation.connect_failed(move |_, error| {
                        failed.replace(Some(Err(format!(
                            "WebKit could not print the page: {error}"
                        ))));
                    });
                    let done = Rc::clone(&outcome);
                    operation.connect_finished(move |_| {
                        if done.borrow().is_none() {
                            done.replace(Some(Ok(())));
                        }
                        gtk::main_quit();
                    });
                    operation.print();
                }
            };
            match prepare {
                None => print(view),
                Some(script) => {
                    let prepared = Rc::clone(&prepared);
                    let outcome = Rc::clone(&outcome);
                    let printed = view.clone();
                    view.evaluate_javascript(
                        script,
                        Some("quire-print"),
                        None,
                        None::<&gtk::gio::Cancellable>,
                        move |result| match result {
                            Ok(value) => {
                                prepared.replace(Some(value.to_str().to_string()));
                                print(&printed);
                            }
                            Err(error) => {
                                outcome.replace(Some(Err(format!(
                                    "the page's links could not be found: {error}"
                                ))));
                                gtk::main_quit();
                            }
                        },
                    );
                }
            }
        });
    }
    {
        let outcome = Rc::clone(&outcome);
        view.connect_load_failed(move |_, _, _, error| {
            outcome.replace(Some(Err(format!(
                "WebKit could not lay the page out: {error}"
            ))));
            gtk::main_quit();
            false
        });
    }
    let timer = {
        let outcome = Rc::clone(&outcome);
        gtk::glib::timeout_add_local_once(GIVE_UP_AFTER, move || {
            outcome.replace(Some(Err(format!(
                "printing took longer than {} s; gave up",
                GIVE_UP_AFTER.as_secs()
            ))));
            gtk::main_quit();
        })
    };
    view.load_html(html, None);
    gtk::main();
    if outcome.borrow().is_some() {
        // The timer may already have fired; removing a fired source would warn.
        if !matches!(*outcome.borrow(), Some(Err(ref m)) if m.starts_with("printing took")) {
            timer.remove();
        }
    }
    window.close();
    let result = outcome.borrow_mut().take();
    result
        .unwrap_or_else(|| Err("WebKit stopped before the page was printed".into()))
        .map(|()| prepared.borrow_mut().take())
}
