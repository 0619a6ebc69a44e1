//! Large transfers of the PEC client: throughput and peak memory of a 200 MiB PDF download to a
//! file, and peak memory of a 20 MiB document upload (base64 in JSON), each against
//! hand-written reqwest code doing the same transfer, in the same run.
//!
//! ```text
//! cargo bench -p credkit --bench transfer_memory
//! ```
//!
//! Peak memory (`VmHWM`) is a property of a whole process, so every transfer runs in a fresh
//! process: this program starts the local server (`stub`) and then runs itself once per
//! transfer with `--transfer WAY URL FILE`; the child reports its resident memory just before
//! the transfer (`VmRSS`) and its peak (`VmHWM`) after it. Downloads and uploads of the two
//! ways alternate, so that drift of the machine's load touches both alike.

mod median;
mod stub;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use base64::Engine as _;
use credkit::RetryPolicy;
use credkit::pec::types::Documenti;
use credkit::pec::{Client, Download as _};
use futures::StreamExt as _;
use median::median;
use tokio::io::AsyncWriteExt as _;

const MIB: u64 = 1024 * 1024;
const PDF_SIZE: u64 = 200 * MIB;
const DOCUMENT_SIZE: u64 = 20 * MIB;
/// Runs of each way; the medians are reported.
const DOWNLOAD_RUNS: usize = 5;
const UPLOAD_RUNS: usize = 3;

const TOKEN: &str = "bench-token";
const ID: &str = "6040e4613a716838dc4eee0e";
const ACTIVATED: &str =
    include_str!("../../openapi-pec/tests/fixtures/activate_mailbox.response.published.json");

/// One transfer, run in a child process.
#[derive(Clone, Copy, Debug)]
enum Transfer {
    DownloadGenerated,
    DownloadHandWritten,
    UploadGenerated,
    UploadHandWritten,
}

impl Transfer {
    const ALL: [Transfer; 4] = [
        Transfer::DownloadGenerated,
        Transfer::DownloadHandWritten,
        Transfer::UploadGenerated,
        Transfer::UploadHandWritten,
    ];

    fn arg(self) -> &'static str {
        match self {
            Transfer::DownloadGenerated => "download-generated",
            Transfer::DownloadHandWritten => "download-hand-written",
            Transfer::UploadGenerated => "upload-generated",
            Transfer::UploadHandWritten => "upload-hand-written",
        }
    }

    fn from_arg(arg: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.arg() == arg)
    }
}

/// What a child process reports.
#[derive(Clone, Copy, Debug)]
struct Report {
    /// Resident memory just before the transfer, in bytes.
    before: u64,
    /// Peak resident memory of the process, in bytes.
    peak: u64,
    seconds: f64,
}

impl Report {
    fn increase(&self) -> u64 {
        self.peak.saturating_sub(self.before)
    }
}

fn main() {
    // `cargo bench` passes `--bench`; a child gets `--transfer WAY URL FILE`.
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--transfer") {
        let [way, url, file] = &args[at + 1..] else {
            panic!("usage: --transfer WAY URL FILE");
        };
        let transfer = Transfer::from_arg(way).unwrap_or_else(|| panic!("unknown transfer {way}"));
        let report = child(transfer, url, Path::new(file));
        println!("{} {} {}", report.before, report.peak, report.seconds);
        return;
    }
    parent();
}

fn parent() {
    let server = stub::StubServer::start(vec![
        stub::Route::pdf(format!("/pec/{ID}/modulo_attivazione"), PDF_SIZE),
        stub::Route::json(
            hyper::Method::PATCH,
            format!("/pec/{ID}/attivazione"),
            200,
            ACTIVATED,
        ),
    ]);
    let directory = std::env::temp_dir().join(format!("credkit-bench-{}", std::process::id()));
    std::fs::create_dir_all(&directory).expect("a scratch directory");
    let document = directory.join("documento.pdf");
    std::fs::write(&document, pdf_bytes(DOCUMENT_SIZE)).expect("write the document");
    let download = directory.join("modulo_attivazione.pdf");

    let mut reports: [Vec<Report>; 4] = Default::default();
    for run in 0..DOWNLOAD_RUNS.max(UPLOAD_RUNS) {
        for (index, transfer) in Transfer::ALL.into_iter().enumerate() {
            let runs = match transfer {
                Transfer::DownloadGenerated | Transfer::DownloadHandWritten => DOWNLOAD_RUNS,
                Transfer::UploadGenerated | Transfer::UploadHandWritten => UPLOAD_RUNS,
            };
            if run >= runs {
                continue;
            }
            let file = match transfer {
                Transfer::DownloadGenerated | Transfer::DownloadHandWritten => &download,
                Transfer::UploadGenerated | Transfer::UploadHandWritten => &document,
            };
            reports[index].push(spawn(transfer, server.base_url(), file));
        }
    }
    let _ = std::fs::remove_dir_all(&directory);

    let [
        download_generated,
        download_hand,
        upload_generated,
        upload_hand,
    ] = reports;
    println!(
        "download: {} MiB PDF through download_activation_form().send().save_to_file(), {DOWNLOAD_RUNS} runs of each way",
        PDF_SIZE / MIB
    );
    println!(
        "upload: {} MiB document through activate_mailbox() with Documenti::from_file, {UPLOAD_RUNS} runs of each way",
        DOCUMENT_SIZE / MIB
    );
    println!("medians; memory is resident memory of the client process (VmRSS before, VmHWM peak)");
    println!();
    println!(
        "| transfer | way | throughput | throughput ratio | RSS before | peak increase | increase / size |"
    );
    println!("|---|---|--:|--:|--:|--:|--:|");
    let download_baseline = median_throughput(&download_hand, PDF_SIZE);
    let upload_baseline = median_throughput(&upload_hand, DOCUMENT_SIZE);
    for (transfer, way, runs, size, baseline) in [
        (
            "download 200 MiB",
            "hand-written",
            &download_hand,
            PDF_SIZE,
            download_baseline,
        ),
        (
            "download 200 MiB",
            "generated",
            &download_generated,
            PDF_SIZE,
            download_baseline,
        ),
        (
            "upload 20 MiB",
            "hand-written",
            &upload_hand,
            DOCUMENT_SIZE,
            upload_baseline,
        ),
        (
            "upload 20 MiB",
            "generated",
            &upload_generated,
            DOCUMENT_SIZE,
            upload_baseline,
        ),
    ] {
        let throughput = median_throughput(runs, size);
        let before = median(&mut runs.iter().map(|r| r.before).collect::<Vec<_>>());
        let increase = median(&mut runs.iter().map(Report::increase).collect::<Vec<_>>());
        println!(
            "| {transfer} | {way} | {:.0} MiB/s | {:.3} | {:.1} MiB | {:.1} MiB | {:.3} |",
            throughput / MIB as f64,
            throughput / baseline,
            before as f64 / MIB as f64,
            increase as f64 / MIB as f64,
            increase as f64 / size as f64,
        );
    }
}

/// Runs one transfer in a fresh process and reads its report.
fn spawn(transfer: Transfer, base_url: &str, file: &Path) -> Report {
    let output = Command::new(std::env::current_exe().expect("the bench's own path"))
        .arg("--transfer")
        .arg(transfer.arg())
        .arg(base_url)
        .arg(file)
        .output()
        .expect("run a transfer");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{transfer:?} failed: {}\n{stdout}{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let fields: Vec<&str> = stdout.split_whitespace().collect();
    let [before, peak, seconds] = fields[..] else {
        panic!("{transfer:?} reported `{stdout}`");
    };
    Report {
        before: before.parse().expect("bytes"),
        peak: peak.parse().expect("bytes"),
        seconds: seconds.parse().expect("seconds"),
    }
}

fn median_throughput(runs: &[Report], size: u64) -> f64 {
    let mut throughputs: Vec<f64> = runs.iter().map(|r| size as f64 / r.seconds).collect();
    median(&mut throughputs)
}

/// A PDF-looking file of `size` bytes with incompressible content.
fn pdf_bytes(size: u64) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    while (bytes.len() as u64) < size - 6 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        bytes.extend_from_slice(&state.to_le_bytes());
    }
    bytes.truncate(size as usize - 6);
    bytes.extend_from_slice(b"%%EOF\n");
    bytes
}

/// The child: one transfer, timed, between two readings of its own memory.
fn child(transfer: Transfer, base_url: &str, file: &Path) -> Report {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        let http = reqwest::Client::new();
        let client: Client = Client::builder()
            .base_url(base_url)
            .token(TOKEN)
            .retry_policy(RetryPolicy::default())
            .build()
            .expect("a loopback base URL is valid");
        let before = memory("VmRSS");
        let started = Instant::now();
        match transfer {
            Transfer::DownloadGenerated => {
                let written = client
                    .download_activation_form()
                    .id(ID)
                    .send()
                    .await
                    .expect("download_activation_form")
                    .save_to_file(file)
                    .await
                    .expect("save the form");
                assert_eq!(written, PDF_SIZE);
            }
            Transfer::DownloadHandWritten => download_by_hand(&http, base_url, file).await,
            Transfer::UploadGenerated => {
                let mailbox = client
                    .activate_mailbox()
                    .id(ID)
                    .body_map(|body| {
                        body.documenti(Documenti::from_file(file).expect("read the document"))
                    })
                    .send()
                    .await
                    .expect("activate_mailbox");
                std::hint::black_box(mailbox.into_inner());
            }
            Transfer::UploadHandWritten => upload_by_hand(&http, base_url, file).await,
        }
        let seconds = started.elapsed().as_secs_f64();
        if matches!(
            transfer,
            Transfer::DownloadGenerated | Transfer::DownloadHandWritten
        ) {
            let size = std::fs::metadata(file).expect("the downloaded file").len();
            assert_eq!(size, PDF_SIZE, "the whole PDF was saved");
        }
        Report {
            before,
            peak: memory("VmHWM"),
            seconds,
        }
    })
}

/// What `save_to_file` does, by hand: stream the body into `<file>.part`, sync, rename.
async fn download_by_hand(http: &reqwest::Client, base_url: &str, file: &Path) {
    let response = http
        .get(format!("{base_url}/pec/{ID}/modulo_attivazione"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("a response")
        .error_for_status()
        .expect("a success status");
    let mut partial = file.as_os_str().to_owned();
    partial.push(".part");
    let partial = PathBuf::from(partial);
    let mut output = tokio::fs::File::create(&partial).await.expect("create");
    let mut body = response.bytes_stream();
    let mut written = 0u64;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.expect("a chunk");
        output.write_all(&chunk).await.expect("write");
        written += chunk.len() as u64;
    }
    output.flush().await.expect("flush");
    output.sync_all().await.expect("sync");
    drop(output);
    tokio::fs::rename(&partial, file).await.expect("rename");
    assert_eq!(written, PDF_SIZE);
}

/// The activation upload by hand: read the file, base64 it into the JSON body, send.
async fn upload_by_hand(http: &reqwest::Client, base_url: &str, file: &Path) {
    let document = std::fs::read(file).expect("read the document");
    let body = serde_json::json!({
        "documenti": base64::engine::general_purpose::STANDARD.encode(&document)
    });
    drop(document);
    let response = http
        .patch(format!("{base_url}/pec/{ID}/attivazione"))
        .bearer_auth(TOKEN)
        .header(reqwest::header::ACCEPT, "application/json")
        .json(&body)
        .send()
        .await
        .expect("a response")
        .error_for_status()
        .expect("a success status");
    let answer: serde_json::Value =
        serde_json::from_slice(&response.bytes().await.expect("a body")).expect("a JSON answer");
    assert_eq!(answer["success"], true, "activate_mailbox succeeds");
}

/// A memory figure of this process from `/proc/self/status` (Linux), in bytes.
fn memory(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status (Linux)");
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().strip_suffix("kB")?.trim().parse::<u64>().ok())
        .map(|kib| kib * 1024)
        .unwrap_or_else(|| panic!("{field} in /proc/self/status"))
}
