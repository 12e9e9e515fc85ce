//! The test command's closing line says what the runners counted, failures included (it once
//! printed "0 failed" whatever happened).
use std::process::Command;

fn count(log: &str) -> (String, bool) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log");
    std::fs::write(&path, log).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/count-tests.sh");
    let out = Command::new("bash").arg(script).arg(&path).output().unwrap();
    (String::from_utf8_lossy(&out.stdout).trim().to_string(), out.status.success())
}

#[test]
fn the_closing_line_adds_up_cargo_and_playwright_and_fails_on_any_failure() {
    let (line, ok) = count(
        "test result: ok. 110 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 13.19s\n\
         test result: FAILED. 23 passed; 1 failed; 0 ignored; 0 measured; 126 filtered out; finished in 10.52s\n\
         \x20 2 failed\n\x20 1 flaky\n\x20 34 passed (1.2m)\n",
    );
    assert_eq!(line, "all tests: 167 passed, 3 failed, 1 flaky (cargo 133 passed and 1 failed; browser 34 passed and 2 failed)");
    assert!(!ok, "a failure makes the count fail");
    let (line, ok) =
        count("test result: ok. 5 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.1s\n  3 passed (2.0s)\n");
    assert_eq!(line, "all tests: 8 passed, 0 failed, 0 flaky (cargo 5 passed and 0 failed; browser 3 passed and 0 failed)");
    assert!(ok);
}
