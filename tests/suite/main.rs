//! Quire's integration tests: one binary, one module per area. See tests/README.md.

mod blogs;
mod cli;
mod commonmark;
mod diagrams;
mod docx;
mod durability;
mod epub;
mod hostile;
mod layers;
mod library;
mod publishing;
mod regression;
mod render;
mod sanitizer;
mod site;
mod support;
