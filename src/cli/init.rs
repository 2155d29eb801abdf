//! `flinkform init [--name NAME]`: writes a commented `flinkform.yaml` in the folder it runs
//! in, which passes `check` as written. It never overwrites one (exit 2).

use super::{EXIT_CLEAN, reporting};
use flinkform::error::Error;
use flinkform::platform_scaffold::{self as scaffold, FILE};
use std::path::Path;

#[derive(clap::Args, Debug)]
pub struct InitArgs {
    /// The platform's name (`metadata.name`, a DNS label); default: the folder's name.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
}

pub fn run(start: &Path, args: InitArgs) -> Result<u8, Error> {
    let dir = super::canonical(start)?;
    let name = match &args.name {
        Some(n) => {
            scaffold::check_name(n).map_err(Error::Usage)?;
            n.clone()
        }
        None => scaffold::name_from_folder(
            &dir.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        ),
    };
    let shown = if start == Path::new(".") {
        FILE.to_string()
    } else {
        start.join(FILE).display().to_string()
    };
    // Anything there (a file, a folder, a link, a FIFO) is refused: init never overwrites.
    if !matches!(flinkform::io::kind(&dir.join(FILE)), Ok(None)) {
        return Err(Error::Usage(format!(
            "{shown} already exists; flinkform init never overwrites it (`flinkform check` checks it)"
        )));
    }
    if let Some(parent) = dir.parent()
        && let Ok(above) = flinkform::workspace::find_root(parent)
    {
        reporting::note(&format!(
            "{} is the config of a platform around this folder; this folder becomes a platform of its own",
            above.join(FILE).display()
        ));
    }
    let has_schema = matches!(
        flinkform::io::kind(&dir.join(scaffold::REPO_SCHEMA)),
        Ok(Some(flinkform::io::Kind::File))
    );
    let text = scaffold::platform_config(&name, has_schema);
    flinkform::io::create_new_below(&dir, FILE, text.as_bytes())?;
    if !reporting::quiet() {
        reporting::print(
            format!(
                "created {shown}\nnext: set your registries, storage and clusters in it, then `flinkform new NAME --team TEAM`\n"
            )
            .as_bytes(),
        )?;
    }
    Ok(EXIT_CLEAN)
}
