//! Memory and CPU of a FlinkDeployment in the spec's terms.

use crate::flink::memory_size::MIB;
use crate::flink::operator_memory::operator_memory_bytes;
use crate::flink::quantity::k8s_binary;

/// A manifest's memory as the spec writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Memory {
    /// Exactly the same number of bytes: `2048m` → `2Gi`.
    Exact(String),
    /// Not a whole number of MiB: rounded down to what Flink requests for the pod anyway
    /// (`floor(bytes / MiB)Mi`); the reason says by how much.
    Rounded(String, String),
}

/// Reads memory the way the operator does (`operator_memory_bytes`: Flink syntax first, then a
/// Kubernetes quantity) and writes it as a binary quantity in whole MiB.
pub fn memory(text: &str) -> Result<Memory, String> {
    let bytes = operator_memory_bytes(text)?;
    let mib = bytes / MIB;
    if mib == 0 {
        return Err(format!(
            "`{text}` is {}, less than 1 MiB: no Flink process runs in that",
            crate::plural::bytes(bytes)
        ));
    }
    let written = spec_quantity(mib * MIB);
    if bytes.is_multiple_of(MIB) {
        Ok(Memory::Exact(written))
    } else {
        Ok(Memory::Rounded(
            written.clone(),
            format!(
                "`{text}` is {}, not a whole number of MiB, which the spec cannot say; written as {written} ({} less)",
                crate::plural::bytes(bytes),
                crate::plural::bytes(bytes - mib * MIB)
            ),
        ))
    }
}

/// A whole number of MiB as `Mi`, `Gi` or `Ti` (the spec's units; `k8s_binary` may pick
/// `Pi`/`Ei` for huge values).
fn spec_quantity(bytes: u64) -> String {
    let text = k8s_binary(bytes);
    if text.ends_with("Pi") || text.ends_with("Ei") {
        format!("{}Ti", bytes >> 40)
    } else {
        text
    }
}

/// A CPU amount as the spec writes it: a positive number of cores.
pub fn cpu(node: &crate::tree::Node) -> Result<crate::tree::Node, String> {
    use crate::tree::{Node, Origin, Value};
    let cores = match &node.value {
        Value::Int(i) => *i as f64,
        Value::Float(f) => *f,
        Value::Str(s) => match s.strip_suffix('m').map(str::parse::<u64>) {
            Some(Ok(milli)) => milli as f64 / 1000.0,
            _ => s
                .parse::<f64>()
                .map_err(|_| format!("`{}` is not a CPU amount", crate::excerpt::quote(s)))?,
        },
        _ => return Err("cpu is not a number".into()),
    };
    if !(cores.is_finite() && cores > 0.0) {
        return Err(format!(
            "cpu {cores} is not a positive number of cores (Flink reads a non-positive TaskManager cpu as \"one per slot\"; leave it to the platform or set it)"
        ));
    }
    Ok(match &node.value {
        Value::Int(i) => Node::int(*i, Origin::NONE),
        _ if cores.fract() == 0.0 && cores < 1e15 => Node::int(cores as i64, Origin::NONE),
        _ => Node::new(Value::Float(cores), Origin::NONE),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_in_spec_units() {
        let exact = |t: &str| match memory(t) {
            Ok(Memory::Exact(s)) => s,
            other => panic!("{t}: {other:?}"),
        };
        assert_eq!(exact("2048m"), "2Gi");
        assert_eq!(exact("1600m"), "1600Mi");
        assert_eq!(exact("2g"), "2Gi");
        assert_eq!(exact("2G"), "2Gi");
        assert_eq!(exact("2Gi"), "2Gi");
        assert_eq!(exact("1536 mb"), "1536Mi");
        assert_eq!(exact("2048Mi"), "2Gi");
        assert!(matches!(memory("1000000000"), Ok(Memory::Rounded(s, _)) if s == "953Mi"));
        assert!(memory("100").is_err());
        assert!(memory("1.5Gi").is_err());
        assert!(memory("lots").is_err());
    }
}
