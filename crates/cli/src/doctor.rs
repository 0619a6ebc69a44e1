//! `credkit doctor [SERVICE]`: checks what a command needs before a person meets it in an
//! error: the credentials (found, and usable: a command that prints the secret runs, RENTRI's
//! certificate opens with its password), the host (its name resolves and a connection opens),
//! TLS (an HTTP answer comes through it), and the clock (beside the server's `Date`: RENTRI's
//! ModI signatures hold for 5 minutes from the moment they are made, so a clock off by more is
//! refused, and one off by seconds is a warning).

use std::fmt::Write as _;
use std::net::ToSocketAddrs as _;
use std::time::{Duration, Instant, SystemTime};

use clap::ArgMatches;

use crate::call::Failure;
use crate::config::{ProfileFile, Settings, Target};
use crate::generated::SERVICES;
use crate::table::Service;

/// How long a connection and an answer may take.
const PATIENCE: Duration = Duration::from_secs(10);

/// A clock further than this from the server's makes a ModI signature expire before it
/// arrives, or be made in the server's future.
const SIGNATURE_LIFETIME: Duration = Duration::from_secs(300);

/// A clock this far off is worth a warning.
const CLOCK_WARNING: Duration = Duration::from_secs(5);

/// The outcome of one check, and the exit code of a failure (2 configuration, 4 network).
enum Verdict {
    Ok(String),
    Warning(String),
    Failed(u8, String),
}

/// Runs every check of the services named (every service when none is) and prints them; the
/// exit code of the first failure, 0 when none failed.
pub fn run(matches: &ArgMatches) -> Result<u8, Failure> {
    let file = ProfileFile::load()?;
    let named = matches.get_one::<String>("service");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::usage(format!("cannot start the async runtime: {e}")))?;
    let mut code = 0;
    for service in SERVICES
        .iter()
        .filter(|s| named.is_none_or(|n| n == s.name))
    {
        let mut report = String::new();
        for verdict in runtime.block_on(checks(service, matches, &file, &mut report)) {
            let line = match &verdict {
                Verdict::Ok(text) => format!("  ok       {text}"),
                Verdict::Warning(text) => format!("  warning  {text}"),
                Verdict::Failed(failed, text) => {
                    if code == 0 {
                        code = *failed;
                    }
                    format!("  FAILED   {text}")
                }
            };
            let _ = writeln!(report, "{line}");
        }
        print!("{report}");
    }
    Ok(code)
}

/// The checks of one service, after a heading naming where it connects.
async fn checks(
    service: &Service,
    matches: &ArgMatches,
    file: &ProfileFile,
    heading: &mut String,
) -> Vec<Verdict> {
    let settings = match Settings::new(file, service.name, service.info.env_prefix, matches) {
        Ok(settings) => settings,
        Err(failure) => {
            let _ = writeln!(heading, "{}:", service.name);
            return vec![Verdict::Failed(failure.code, failure.message)];
        }
    };
    let url = match base_url(service, &settings) {
        Ok(url) => url,
        Err(failure) => {
            let _ = writeln!(heading, "{}:", service.name);
            return vec![Verdict::Failed(failure.code, failure.message)];
        }
    };
    let _ = writeln!(heading, "{} ({url}):", service.name);
    let mut verdicts = vec![credentials(service, &settings, matches)];
    let Ok(parsed) = reqwest::Url::parse(&url) else {
        verdicts.push(Verdict::Failed(2, format!("base URL `{url}` is not a URL")));
        return verdicts;
    };
    let reachable = reachable(&parsed);
    let connected = matches!(reachable, Verdict::Ok(_));
    verdicts.push(reachable);
    if connected {
        verdicts.extend(answer(service, &parsed).await);
    }
    verdicts
}

/// Where the service's client would connect.
fn base_url(service: &Service, settings: &Settings<'_>) -> Result<String, Failure> {
    let environment = match settings.target()? {
        Target::BaseUrl(url) => return Ok(url),
        Target::Environment(environment) => environment,
        Target::Default => credkit::Environment::Production,
    };
    service
        .info
        .servers
        .iter()
        .find(|(e, _)| *e == environment)
        .map(|(_, url)| (*url).to_owned())
        .ok_or_else(|| {
            Failure::usage(format!(
                "{} has no {} environment",
                service.name,
                environment.name()
            ))
        })
}

/// Whether the credentials a command would use are there and usable.
fn credentials(service: &Service, settings: &Settings<'_>, matches: &ArgMatches) -> Verdict {
    let flag_token = matches
        .try_get_one::<String>(crate::command::flag::TOKEN)
        .ok()
        .flatten()
        .is_some_and(|t| !t.trim().is_empty());
    if flag_token {
        return Verdict::Ok("credentials: the token of --token".to_owned());
    }
    let own = match service.name {
        "rentri-ca" => match crate::services::modi_signer(settings) {
            Ok(Some(_)) => Some(Ok(format!(
                "credentials: the certificate {} opens and signs (ModI)",
                settings
                    .path("certificate")
                    .map(|p| p.display().to_string())
                    .unwrap_or_default()
            ))),
            Ok(None) => None,
            Err(failure) => Some(Err(failure)),
        },
        "sparkfly" => settings
            .get("identity")
            .map(|identity| match settings.secret("key") {
                Ok(Some(_)) => Ok(format!(
                    "credentials: identity `{identity}` and its key (exchanged with GET /auth)"
                )),
                Ok(None) => Err(Failure::usage(format!(
                    "identity `{identity}` has no key: give it with {}",
                    settings.sources("key_command")
                ))),
                Err(failure) => Err(failure),
            }),
        _ => None,
    };
    match own {
        Some(Ok(text)) => return Verdict::Ok(text),
        Some(Err(failure)) => {
            return Verdict::Failed(failure.code, format!("credentials: {}", failure.message));
        }
        None => {}
    }
    match settings.secret("token") {
        Ok(Some(_)) => Verdict::Ok("credentials: a token".to_owned()),
        Ok(None) => {
            let own = match service.name {
                "rentri-ca" => format!(
                    "; or sign with a certificate: {}",
                    settings.sources("certificate")
                ),
                "sparkfly" => format!(
                    "; or exchange an identity and key: {}",
                    settings.sources("identity")
                ),
                _ => String::new(),
            };
            Verdict::Failed(
                2,
                format!(
                    "credentials: none; give a token with {}{own}",
                    settings.sources("token")
                ),
            )
        }
        Err(failure) => Verdict::Failed(failure.code, format!("credentials: {}", failure.message)),
    }
}

/// The host's name resolves and a TCP connection to it opens.
fn reachable(url: &reqwest::Url) -> Verdict {
    let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
        return Verdict::Failed(2, format!("base URL {url} names no host"));
    };
    let addresses = match (host, port).to_socket_addrs() {
        Ok(addresses) => addresses.collect::<Vec<_>>(),
        Err(e) => {
            return Verdict::Failed(4, format!("host: the name {host} was not resolved: {e}"));
        }
    };
    let mut last = String::from("no address");
    for address in &addresses {
        let started = Instant::now();
        match std::net::TcpStream::connect_timeout(address, PATIENCE) {
            Ok(_) => {
                return Verdict::Ok(format!(
                    "host: {host}:{port} ({address}) connected in {} ms",
                    started.elapsed().as_millis()
                ));
            }
            Err(e) => last = format!("{address}: {e}"),
        }
    }
    Verdict::Failed(4, format!("host: {host}:{port} not reachable: {last}"))
}

/// An answer through TLS (any status: the base URL is not an operation), and the server's
/// clock beside this machine's.
async fn answer(service: &Service, url: &reqwest::Url) -> Vec<Verdict> {
    let client = match reqwest::Client::builder().timeout(PATIENCE).build() {
        Ok(client) => client,
        Err(e) => return vec![Verdict::Failed(2, format!("TLS: no HTTP client: {e}"))],
    };
    let started = Instant::now();
    let answer = match client.get(url.clone()).send().await {
        Ok(answer) => answer,
        Err(e) => {
            let mut cause = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(inner) = source {
                let _ = write!(cause, ": {inner}");
                source = inner.source();
            }
            let what = if url.scheme() == "https" {
                "TLS"
            } else {
                "HTTP"
            };
            return vec![Verdict::Failed(4, format!("{what}: no answer: {cause}"))];
        }
    };
    let elapsed = started.elapsed().as_millis();
    let mut verdicts = vec![if url.scheme() == "https" {
        Verdict::Ok(format!(
            "TLS: the certificate of {} is trusted; answered {} in {elapsed} ms",
            url.host_str().unwrap_or_default(),
            answer.status()
        ))
    } else {
        Verdict::Warning(format!(
            "TLS: none (plain http, for a loopback host only); answered {} in {elapsed} ms",
            answer.status()
        ))
    }];
    let date = answer
        .headers()
        .get(reqwest::header::DATE)
        .and_then(|d| d.to_str().ok())
        .and_then(|d| httpdate::parse_http_date(d).ok());
    verdicts.push(clock(service, date, SystemTime::now()));
    verdicts
}

/// This machine's clock beside the server's `Date`.
fn clock(service: &Service, server: Option<SystemTime>, now: SystemTime) -> Verdict {
    let Some(server) = server else {
        return Verdict::Warning("clock: the server sent no Date to compare with".to_owned());
    };
    let (skew, direction) = match now.duration_since(server) {
        Ok(ahead) => (ahead, "ahead of"),
        Err(behind) => (behind.duration(), "behind"),
    };
    // `Date` has whole seconds.
    let seconds = skew.as_secs();
    let text = format!("clock: {seconds} s {direction} the server's");
    let signed = service.name == "rentri-ca";
    if signed && skew >= SIGNATURE_LIFETIME {
        Verdict::Failed(
            4,
            format!("{text}: ModI signatures would be refused (they hold 5 minutes)"),
        )
    } else if skew > CLOCK_WARNING {
        Verdict::Warning(format!("{text}; set the clock (NTP)"))
    } else {
        Verdict::Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::{Verdict, clock};
    use std::time::{Duration, SystemTime};

    #[test]
    fn a_clock_minutes_off_fails_for_modi_signatures_and_seconds_off_is_a_warning() {
        let rentri = crate::generated::SERVICES
            .iter()
            .find(|s| s.name == "rentri-ca")
            .unwrap();
        let pec = crate::generated::SERVICES
            .iter()
            .find(|s| s.name == "pec")
            .unwrap();
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let at = |seconds: i64| {
            Some(if seconds >= 0 {
                now + Duration::from_secs(seconds as u64)
            } else {
                now - Duration::from_secs((-seconds) as u64)
            })
        };
        assert!(
            matches!(clock(rentri, at(1), now), Verdict::Ok(t) if t == "clock: 1 s ahead of the server's" || t.contains("1 s"))
        );
        assert!(
            matches!(clock(rentri, at(-30), now), Verdict::Warning(t) if t.contains("30 s ahead of"))
        );
        assert!(
            matches!(clock(rentri, at(400), now), Verdict::Failed(4, t) if t.contains("400 s behind") && t.contains("ModI"))
        );
        assert!(matches!(clock(pec, at(400), now), Verdict::Warning(_)));
        assert!(matches!(clock(pec, None, now), Verdict::Warning(_)));
    }
}
