crate::declare_rule! {
    /// A path the repository names is one flinkform will not read or write.
    ///
    /// ## What it checks
    /// Every file and folder that repository content names (specs found by
    /// `services.include`, the `crds` folders, the `output` folder, and `flinkform.yaml`
    /// itself) must be a regular file or a real folder inside the repository:
    ///
    /// * a symbolic link is never followed, wherever it points (a spec, the `services`
    ///   folder, a folder in the output, `flinkform.yaml`);
    /// * a FIFO, device or socket where a spec should be is not opened;
    /// * a file or folder name that is not UTF-8 is reported and skipped, and the rest of the
    ///   repository is still checked;
    /// * paths in `flinkform.yaml` are relative to its folder: absolute paths, `..` and
    ///   `.git` are refused;
    /// * `output` is a folder of its own: not the repository root, not `.git`, not the
    ///   platform config, and not a folder that holds specs (or lies among them).
    ///
    /// ## Why
    /// flinkform runs on pull requests from forks, where every file is hostile input. A link
    /// committed as `services/x/service.yaml -> ../../.git/config` would make a finding quote
    /// the token `actions/checkout` stores there; `crds: [/usr]` or `services -> /` would read
    /// the machine; a link to `/dev/zero` or a FIFO would hang the run; `output: services`
    /// would make `check` pass without checking anything, and `output: .git` would let
    /// `render` write into git's own files.
    ///
    /// ## Fix
    /// Replace the link with the file or folder itself (git stores links as links; copy the
    /// content instead), remove the special file, rename the file with a UTF-8 name, or
    /// correct the path in `flinkform.yaml`. Paths typed on the command line (`lint FILE`,
    /// `--crd DIR`, `--output FILE`) are yours to point anywhere. This finding cannot be
    /// waived or turned off.
    pub struct UnsafePath {
        name: "unsafe-path", severity: Error, category: Core, blocks_render: true,
    }
}
