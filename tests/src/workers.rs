//! The benchmarks that spread work over processes (three processes sharing a quota through
//! Redis) run their own binary again, once per job, with the job in a variable.

use std::process::{Command, Stdio};

/// Runs this binary once per job, each with `variable` set to its job, all at once, and returns
/// what each printed on stdout, in the jobs' order. Their stderr is this process's.
pub async fn run_workers(variable: &'static str, jobs: Vec<String>) -> Vec<String> {
    let this = std::env::current_exe().expect("the benchmark binary");
    let workers: Vec<_> = jobs
        .into_iter()
        .map(|job| {
            Command::new(&this)
                .env(variable, job)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("the benchmark runs again")
        })
        .collect();
    tokio::task::spawn_blocking(move || {
        workers
            .into_iter()
            .map(|w| {
                let output = w.wait_with_output().expect("the worker ends");
                String::from_utf8_lossy(&output.stdout).into_owned()
            })
            .collect()
    })
    .await
    .expect("the workers are awaited")
}
