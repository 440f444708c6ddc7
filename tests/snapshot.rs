//! The code `build.rs` generates equals the committed snapshot, so a plain
//! `cargo test` fails when the spec or the generator changed without
//! `cargo xtask codegen` (which also says what the change does to the API).

const SNAPSHOT_PATH: &str = "tests/snapshots/error_codes.rs";
const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/error_codes.rs"));
const SNAPSHOT: &str = include_str!("snapshots/error_codes.rs");

#[test]
fn generated_code_matches_the_committed_snapshot() {
    // A checkout with CRLF line endings holds the same snapshot.
    let snapshot = SNAPSHOT.replace("\r\n", "\n");
    if GENERATED == snapshot {
        return;
    }
    let first_difference = GENERATED
        .lines()
        .zip(snapshot.lines())
        .position(|(generated, committed)| generated != committed)
        .unwrap_or_else(|| GENERATED.lines().count().min(snapshot.lines().count()));
    panic!(
        "{SNAPSHOT_PATH} is stale: the code build.rs generates from spec/ differs from it, \
         first at line {}.\nfix: run `cargo xtask codegen` and commit {SNAPSHOT_PATH} \
         (`cargo xtask codegen --check` shows the diff and what it does to the API)",
        first_difference + 1
    );
}
