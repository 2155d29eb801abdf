//! GitHub Actions expressions (`${{ … }}`), the part an action can use: literals, the
//! `inputs`, `github`, `runner` and `steps` contexts, `! == != && || ( )`, and the functions
//! `success() failure() always() cancelled() format() contains() startsWith() endsWith()
//! hashFiles()`. Comparison and truthiness follow GitHub's rules for the types involved here
//! (strings compare case-insensitively; `''`, `0`, `false` and `null` are falsy). Anything
//! else panics: the emulator must not guess.

use serde_json::Value;
use std::path::Path;

pub struct Context<'a> {
    pub inputs: &'a std::collections::BTreeMap<String, String>,
    pub github: &'a Value,
    pub runner: Value,
    pub steps: Value,
    /// Whether a step before this one failed.
    pub failed: bool,
    pub workspace: &'a Path,
}

/// Evaluates an `if:`: with or without `${{ }}`; without a status function the condition is
/// `success() && (…)`, as on GitHub.
pub fn condition(text: &str, ctx: &Context<'_>) -> bool {
    let t = text.trim();
    let inner = t
        .strip_prefix("${{")
        .and_then(|s| s.strip_suffix("}}"))
        .unwrap_or(t);
    let has_status = ["success(", "failure(", "always(", "cancelled("]
        .iter()
        .any(|f| inner.contains(f));
    let value = truthy(&eval(inner, ctx));
    if has_status {
        value
    } else {
        !ctx.failed && value
    }
}

/// Replaces every `${{ expr }}` in `text` by its value as a string.
pub fn interpolate(text: &str, ctx: &Context<'_>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 3..];
        let end = after
            .find("}}")
            .unwrap_or_else(|| panic!("unclosed expression in {text}"));
        out.push_str(&to_string(&eval(&after[..end], ctx)));
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

pub fn to_string(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

pub fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        _ => true,
    }
}

fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => x.eq_ignore_ascii_case(y),
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        // GitHub converts mixed types to numbers; '' and null are 0.
        (x, y) => number(x) == number(y),
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Null => Some(0.0),
        Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        Value::Number(n) => n.as_f64(),
        Value::String(s) if s.trim().is_empty() => Some(0.0),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Str(String),
    Num(f64),
    Ident(String),
    Dot,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Not,
    Eq,
    Ne,
    And,
    Or,
}

fn lex(s: &str) -> Vec<Tok> {
    let b: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < b.len() {
        let c = b[i];
        match c {
            ' ' | '\t' | '\n' | '\r' => i += 1,
            '\'' => {
                let mut v = String::new();
                i += 1;
                loop {
                    assert!(i < b.len(), "unclosed string in {s}");
                    if b[i] == '\'' {
                        if b.get(i + 1) == Some(&'\'') {
                            v.push('\'');
                            i += 2;
                            continue;
                        }
                        i += 1;
                        break;
                    }
                    v.push(b[i]);
                    i += 1;
                }
                out.push(Tok::Str(v));
            }
            '.' => {
                out.push(Tok::Dot);
                i += 1;
            }
            '(' => {
                out.push(Tok::LParen);
                i += 1;
            }
            ')' => {
                out.push(Tok::RParen);
                i += 1;
            }
            '[' => {
                out.push(Tok::LBracket);
                i += 1;
            }
            ']' => {
                out.push(Tok::RBracket);
                i += 1;
            }
            ',' => {
                out.push(Tok::Comma);
                i += 1;
            }
            '!' if b.get(i + 1) == Some(&'=') => {
                out.push(Tok::Ne);
                i += 2;
            }
            '!' => {
                out.push(Tok::Not);
                i += 1;
            }
            '=' if b.get(i + 1) == Some(&'=') => {
                out.push(Tok::Eq);
                i += 2;
            }
            '&' if b.get(i + 1) == Some(&'&') => {
                out.push(Tok::And);
                i += 2;
            }
            '|' if b.get(i + 1) == Some(&'|') => {
                out.push(Tok::Or);
                i += 2;
            }
            c if c.is_ascii_digit() => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_digit() || b[i] == '.') {
                    i += 1;
                }
                let text: String = b[start..i].iter().collect();
                out.push(Tok::Num(text.parse().expect("number")));
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < b.len() && (b[i].is_alphanumeric() || b[i] == '_' || b[i] == '-') {
                    i += 1;
                }
                out.push(Tok::Ident(b[start..i].iter().collect()));
            }
            other => panic!("unsupported character {other:?} in expression {s}"),
        }
    }
    out
}

struct Parser<'a, 'c> {
    toks: Vec<Tok>,
    at: usize,
    ctx: &'a Context<'c>,
    text: &'a str,
}

pub fn eval(text: &str, ctx: &Context<'_>) -> Value {
    let mut p = Parser {
        toks: lex(text),
        at: 0,
        ctx,
        text,
    };
    let v = p.or();
    assert!(p.at == p.toks.len(), "unparsed rest of expression {text}");
    v
}

impl Parser<'_, '_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at)
    }

    fn next(&mut self) -> Tok {
        let t = self
            .toks
            .get(self.at)
            .cloned()
            .unwrap_or_else(|| panic!("unexpected end of expression {}", self.text));
        self.at += 1;
        t
    }

    fn expect(&mut self, t: Tok) {
        let got = self.next();
        assert_eq!(got, t, "in expression {}", self.text);
    }

    fn or(&mut self) -> Value {
        let mut v = self.and();
        while self.peek() == Some(&Tok::Or) {
            self.at += 1;
            let r = self.and();
            v = if truthy(&v) { v } else { r };
        }
        v
    }

    fn and(&mut self) -> Value {
        let mut v = self.unary();
        while self.peek() == Some(&Tok::And) {
            self.at += 1;
            let r = self.unary();
            v = if truthy(&v) { r } else { v };
        }
        v
    }

    fn unary(&mut self) -> Value {
        if self.peek() == Some(&Tok::Not) {
            self.at += 1;
            return Value::Bool(!truthy(&self.unary()));
        }
        self.cmp()
    }

    fn cmp(&mut self) -> Value {
        let l = self.primary();
        match self.peek() {
            Some(Tok::Eq) => {
                self.at += 1;
                let r = self.primary();
                Value::Bool(equal(&l, &r))
            }
            Some(Tok::Ne) => {
                self.at += 1;
                let r = self.primary();
                Value::Bool(!equal(&l, &r))
            }
            _ => l,
        }
    }

    fn primary(&mut self) -> Value {
        match self.next() {
            Tok::Str(s) => Value::String(s),
            Tok::Num(n) => serde_json::json!(n),
            Tok::LParen => {
                let v = self.or();
                self.expect(Tok::RParen);
                v
            }
            Tok::Ident(id) if self.peek() == Some(&Tok::LParen) => {
                self.at += 1;
                let mut args = Vec::new();
                if self.peek() != Some(&Tok::RParen) {
                    loop {
                        args.push(self.or());
                        if self.peek() == Some(&Tok::Comma) {
                            self.at += 1;
                        } else {
                            break;
                        }
                    }
                }
                self.expect(Tok::RParen);
                self.call(&id, &args)
            }
            Tok::Ident(id) => match id.as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                "null" => Value::Null,
                _ => {
                    let mut v = self.context(&id);
                    loop {
                        match self.peek() {
                            Some(Tok::Dot) => {
                                self.at += 1;
                                let Tok::Ident(key) = self.next() else {
                                    panic!("bad property in {}", self.text)
                                };
                                v = v.get(&key).cloned().unwrap_or(Value::Null);
                            }
                            Some(Tok::LBracket) => {
                                self.at += 1;
                                let key = to_string(&self.or());
                                self.expect(Tok::RBracket);
                                v = v.get(&key).cloned().unwrap_or(Value::Null);
                            }
                            _ => break,
                        }
                    }
                    v
                }
            },
            other => panic!("unexpected {other:?} in expression {}", self.text),
        }
    }

    fn context(&self, name: &str) -> Value {
        match name {
            "inputs" => serde_json::to_value(self.ctx.inputs).expect("inputs"),
            "github" => self.ctx.github.clone(),
            "runner" => self.ctx.runner.clone(),
            "steps" => self.ctx.steps.clone(),
            other => panic!(
                "context `{other}` is not supported by the emulator (in {})",
                self.text
            ),
        }
    }

    fn call(&self, name: &str, args: &[Value]) -> Value {
        let s = |i: usize| to_string(&args[i]);
        match name {
            "success" => Value::Bool(!self.ctx.failed),
            "failure" => Value::Bool(self.ctx.failed),
            "always" => Value::Bool(true),
            "cancelled" => Value::Bool(false),
            "contains" => Value::Bool(s(0).to_lowercase().contains(&s(1).to_lowercase())),
            "startsWith" => Value::Bool(s(0).to_lowercase().starts_with(&s(1).to_lowercase())),
            "endsWith" => Value::Bool(s(0).to_lowercase().ends_with(&s(1).to_lowercase())),
            "format" => {
                let mut out = s(0);
                for (i, a) in args.iter().enumerate().skip(1) {
                    out = out.replace(&format!("{{{}}}", i - 1), &to_string(a));
                }
                Value::String(out)
            }
            "hashFiles" => {
                // GitHub hashes only files inside GITHUB_WORKSPACE; a pattern outside it
                // matches nothing, and then the result is ''.
                let inside = args.iter().any(|a| {
                    let p = Path::new(&to_string(a)).to_path_buf();
                    !p.is_absolute() || p.starts_with(self.ctx.workspace)
                });
                assert!(
                    !inside,
                    "hashFiles over the workspace is not emulated (in {})",
                    self.text
                );
                Value::String(String::new())
            }
            other => panic!(
                "function `{other}` is not supported by the emulator (in {})",
                self.text
            ),
        }
    }
}
