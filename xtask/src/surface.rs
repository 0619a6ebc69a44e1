pub fn api_surface(_s: &str) -> String { String::new() }
