//! `xtask-fetch URL`: prints the body of `URL` (a published definition) on stdout; on failure,
//! the reason on stderr and exit 2. `cargo xtask upstream` runs it for each download.

use std::io::Write as _;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url] = args.as_slice() else {
        eprintln!("usage: xtask-fetch URL");
        return ExitCode::from(2);
    };
    match xtask_fetch::text(url, &xtask_fetch::Trust::Platform) {
        Ok(text) => match std::io::stdout().write_all(text.as_bytes()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{e}");
                ExitCode::from(2)
            }
        },
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}
