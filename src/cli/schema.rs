//! `flinkform schema service|platform`: the JSON Schema built into this binary, for editors and
//! CI tools (`flinkform schema service > schemas/service.schema.json`).

use super::EXIT_CLEAN;
use flinkform::error::Error;

#[derive(clap::Args, Debug)]
pub struct SchemaArgs {
    /// Which format's schema to print.
    #[arg(value_enum)]
    pub which: Which,

    /// Output format: a JSON Schema is JSON (the option is there so that scripts can pass
    /// `--format json` to every command).
    #[arg(long, value_enum, default_value_t = SchemaFormat::Json)]
    pub format: SchemaFormat,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemaFormat {
    /// The JSON Schema (draft 2020-12).
    Json,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    /// A service spec: services/<name>/service.yaml.
    Service,
    /// The platform config: flinkform.yaml.
    Platform,
}

pub fn run(args: SchemaArgs) -> Result<u8, Error> {
    let format = match args.which {
        Which::Service => flinkform::schema::Format::Service,
        Which::Platform => flinkform::schema::Format::Platform,
    };
    let mut text = flinkform::schema::text(format).to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    super::reporting::print(text.as_bytes())?;
    Ok(EXIT_CLEAN)
}
