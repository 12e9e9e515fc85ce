//! Lists the carrier adapter files for `carriers`: every file in `src/carriers/` that
//! declares a carrier's `PROFILE` is one, so adding a carrier adds its file and no line
//! to any list here (its `Carrier` variant in `app` is the one line). Writes
//! `$OUT_DIR/adapter_files.rs`: a module per file and `ADAPTER_PROFILES`, their profiles.
use std::fmt::Write as _;
use std::path::PathBuf;

/// What marks a file as a carrier's adapter.
const MARK: &str = "pub const PROFILE: CarrierProfile";

fn main() {
    println!("cargo:rerun-if-changed=src/carriers");
    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR")).join("src/carriers");
    let mut files: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .expect("src/carriers is readable")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "rs"))
        .filter(|path| std::fs::read_to_string(path).is_ok_and(|text| text.contains(MARK)))
        .filter_map(|path| Some((path.file_stem()?.to_str()?.to_string(), path.clone())))
        .collect();
    files.sort();
    let mut out = String::new();
    for (name, path) in &files {
        let _ = writeln!(out, "#[path = {:?}]\nmod {name};", path.display().to_string());
    }
    let profiles: Vec<String> = files.iter().map(|(name, _)| format!("&{name}::PROFILE")).collect();
    let _ = writeln!(out, "const ADAPTER_PROFILES: &[&CarrierProfile] = &[{}];", profiles.join(", "));
    let target = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("adapter_files.rs");
    std::fs::write(target, out).expect("OUT_DIR is writable");
}
