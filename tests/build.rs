//! Whether the tests that need a Redis can run: without `CREDKIT_TEST_REDIS_URL` (outside CI)
//! they are compiled as ignored, with the reason, so `cargo test` reports them as skipped and
//! names the variable to set instead of passing without having run. In CI (`CI=true`) they
//! always run, and a missing Redis fails them (tests/src/redis.rs).

fn main() {
    println!("cargo::rustc-check-cfg=cfg(credkit_no_redis)");
    println!("cargo::rerun-if-env-changed=CREDKIT_TEST_REDIS_URL");
    println!("cargo::rerun-if-env-changed=CI");
    let redis = std::env::var("CREDKIT_TEST_REDIS_URL").is_ok_and(|url| !url.trim().is_empty());
    let ci = std::env::var("CI").is_ok_and(|ci| ci == "true");
    if !redis && !ci {
        println!("cargo::rustc-cfg=credkit_no_redis");
    }
}
