//! Placeholder until the memory-model branch lands (it replaces this file): only the spec
//! memory check the schema stage needs.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecMemoryError {
    pub message: String,
    pub suggestion: Option<String>,
}

pub fn parse_spec_memory(text: &str) -> Result<u64, SpecMemoryError> {
    let (digits, unit) = text.split_at(
        text.find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len()),
    );
    let n: u64 = digits.parse().map_err(|_| SpecMemoryError {
        message: format!("`{text}` is not a memory quantity"),
        suggestion: None,
    })?;
    let mult = match unit {
        "Mi" => 1 << 20,
        "Gi" => 1 << 30,
        "Ti" => 1 << 40,
        _ => {
            return Err(SpecMemoryError {
                message: format!(
                    "`{text}` is ambiguous: write a binary quantity such as `{n}Gi` or `{n}Mi`"
                ),
                suggestion: None,
            });
        }
    };
    n.checked_mul(mult).ok_or(SpecMemoryError {
        message: format!("`{text}` is too large"),
        suggestion: None,
    })
}

pub const MIB: u64 = 1 << 20;

pub fn flink_mebibytes(bytes: u64) -> String {
    format!("{}m", bytes / MIB)
}
