mod e2e;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("e2e") => e2e::run(&args[1..]),
        _ => {
            eprintln!("usage: cargo xtask <command>\ncommands:\n  e2e    end-to-end tests against a real Parse Server");
            std::process::exit(2);
        }
    };
    if let Err(message) = result {
        eprintln!("xtask: {message}");
        std::process::exit(1);
    }
}
