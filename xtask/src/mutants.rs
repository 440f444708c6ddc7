//! `cargo xtask mutants [--group NAME] [--shard K/N]`: how much of the code
//! the tests really check, measured with cargo-mutants (issue 25).
//!
//! Three groups, each with the package, features and tests that exercise it:
//! the catalogue (the library's own tests, every feature), the error bodies
//! (the library's tests with `serde`; the xtask's body property suites would
//! recompile the whole xtask for each mutant), and the generator (seen only through
//! the xtask's `#[path]` mount, tested by the xtask's unit tests and
//! `tests/generator/`). Warnings are not counted: `RUSTFLAGS=-Awarnings`,
//! because `tests/explain.rs` fails a build that prints one, which would
//! count a mutant that only adds a warning as caught. Each group reads
//! cargo-mutants' own `outcomes.json`. Not a step of the gate: a full run
//! takes tens of minutes on a small machine.

use std::path::Path;
use std::str::FromStr;

use anyhow::{bail, Context, Result};
use xshell::{cmd, Shell};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    Catalogue,
    Bodies,
    Generator,
}

impl FromStr for Group {
    type Err = String;

    fn from_str(name: &str) -> Result<Group, String> {
        Group::ALL
            .into_iter()
            .find(|group| group.name() == name)
            .ok_or_else(|| format!("unknown group `{name}`: catalogue, bodies or generator"))
    }
}

impl Group {
    const ALL: [Group; 3] = [Group::Catalogue, Group::Bodies, Group::Generator];

    fn name(self) -> &'static str {
        match self {
            Group::Catalogue => "catalogue",
            Group::Bodies => "bodies",
            Group::Generator => "generator",
        }
    }

    /// cargo-mutants' arguments: what to mutate, with which features, and
    /// which tests must catch it.
    fn arguments(self) -> &'static [&'static str] {
        match self {
            Group::Catalogue => &[
                "--package=parse-error-codes",
                "--all-features",
                "--file=src/code.rs",
                "--file=src/kind.rs",
                "--file=src/text.rs",
                "--file=src/serde_impls.rs",
            ],
            Group::Bodies => &[
                "--package=parse-error-codes",
                "--features=serde",
                "--file=src/body/**",
            ],
            Group::Generator => &[
                "--package=xtask",
                "--file=xtask/src/../../src/generator/**",
                "--cargo-test-arg=--lib",
                "--cargo-test-arg=--test=generator",
            ],
        }
    }
}

/// What one group's run found, from `outcomes.json`.
#[derive(Debug, PartialEq, Eq)]
struct Outcomes {
    caught: u64,
    missed: u64,
    timeout: u64,
    unviable: u64,
}

impl Outcomes {
    fn parse(json: &str) -> Result<Outcomes> {
        let value: serde_json::Value = serde_json::from_str(json)?;
        let count = |key: &str| {
            value[key]
                .as_u64()
                .with_context(|| format!("no count `{key}`"))
        };
        Ok(Outcomes {
            caught: count("caught")?,
            missed: count("missed")?,
            timeout: count("timeout")?,
            unviable: count("unviable")?,
        })
    }

    /// Caught, missed, timeouts, unviable, and the caught share of the viable
    /// mutants (a timeout is viable and not caught: a test should bound it).
    fn summary(&self) -> String {
        let viable = self.caught + self.missed + self.timeout;
        let share = match viable {
            0 => "no viable mutant".to_owned(),
            viable => format!(
                "{:.0}% of {viable} viable caught",
                100.0 * self.caught as f64 / viable as f64
            ),
        };
        format!(
            "caught {}, missed {}, timeouts {}, unviable {}: {share}",
            self.caught, self.missed, self.timeout, self.unviable
        )
    }
}

pub fn run(sh: &Shell, group: Option<Group>, shard: Option<&str>) -> Result<()> {
    let cargo = crate::cargo();
    if cmd!(sh, "{cargo} mutants --version")
        .quiet()
        .ignore_stderr()
        .read()
        .is_err()
    {
        bail!("cargo-mutants is not installed; install it with `cargo install cargo-mutants --locked`");
    }
    let groups = group.map_or(Group::ALL.to_vec(), |group| vec![group]);
    let rustflags = format!("{} -Awarnings", sh.var("RUSTFLAGS").unwrap_or_default());
    let shard: Option<String> = shard.map(|shard| format!("--shard={shard}"));
    let mut summaries = Vec::new();
    for group in groups {
        let output = crate::project_root()
            .join("target/mutants")
            .join(group.name());
        sh.create_dir(&output)?;
        let arguments = group.arguments();
        println!("mutants: {}", group.name());
        let started = std::time::Instant::now();
        let shard = shard.as_deref();
        let command = cmd!(
            sh,
            "{cargo} mutants --no-shuffle --profile=mutants --output {output} {arguments...} {shard...}"
        );
        // Its progress streams through; the status says how it ended.
        let status = std::process::Command::from(command.env("RUSTFLAGS", &rustflags)).status()?;
        // 0: all caught, 2: some missed, 3: some timed out; the rest is a failure to run.
        if !matches!(status.code(), Some(0 | 2 | 3)) {
            bail!(
                "cargo mutants failed for the {} group ({status}); see its output above",
                group.name()
            );
        }
        let outcomes = read_outcomes(&output.join("mutants.out"))?;
        let minutes = started.elapsed().as_secs_f64() / 60.0;
        summaries.push(format!(
            "  {:<10} {} ({minutes:.1} min)",
            group.name(),
            outcomes.summary()
        ));
    }
    println!("mutants: summary\n{}", summaries.join("\n"));
    Ok(())
}

/// The counts of a finished run, and its missed mutants on stdout.
fn read_outcomes(dir: &Path) -> Result<Outcomes> {
    let path = dir.join("outcomes.json");
    let json = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let outcomes = Outcomes::parse(&json).with_context(|| format!("{}", path.display()))?;
    let missed = std::fs::read_to_string(dir.join("missed.txt")).unwrap_or_default();
    for line in missed.lines() {
        println!("  missed: {line}");
    }
    Ok(outcomes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_named_on_the_command_line() {
        assert_eq!("bodies".parse::<Group>(), Ok(Group::Bodies));
        let error = "body".parse::<Group>().unwrap_err();
        assert!(error.contains("unknown group `body`"), "{error}");
    }

    #[test]
    fn outcomes_read_cargo_mutants_counts_and_share_the_viable_ones() {
        let json = r#"{"outcomes":[],"total_mutants":101,"missed":9,"caught":63,"timeout":2,"unviable":27,"success":0}"#;
        let outcomes = Outcomes::parse(json).unwrap();
        assert_eq!(
            outcomes,
            Outcomes {
                caught: 63,
                missed: 9,
                timeout: 2,
                unviable: 27
            }
        );
        assert_eq!(
            outcomes.summary(),
            "caught 63, missed 9, timeouts 2, unviable 27: 85% of 74 viable caught"
        );
        let none = Outcomes {
            caught: 0,
            missed: 0,
            timeout: 0,
            unviable: 3,
        };
        assert!(none.summary().ends_with("no viable mutant"));
        let error = Outcomes::parse(r#"{"caught":1}"#).unwrap_err().to_string();
        assert!(error.contains("missed"), "{error}");
    }
}
