//! Building SQL whose shape depends on the input (optional filters,
//! multi-row inserts). PostgreSQL gets `$N` placeholders; SQLite gets
//! anonymous `?` ones, because SQLite looks a numbered parameter's name up
//! with a linear scan on every bind, which made a 500-row insert quadratic
//! (`sqlite3_bind_parameter_name` was the top of the profile).

use sqlx::any::AnyArguments;
use sqlx::Arguments;

/// A SQL string and its arguments, numbered as they are pushed.
pub struct Sql {
    pub text: String,
    pub args: AnyArguments<'static>,
    count: usize,
    numbered: bool,
}

impl Sql {
    pub fn new(backend: crate::Backend, start: &str) -> Self {
        let numbered = backend == crate::Backend::Postgres;
        Sql { text: start.to_string(), args: AnyArguments::default(), count: 0, numbered }
    }
    pub fn backend(&self) -> crate::Backend {
        if self.numbered {
            crate::Backend::Postgres
        } else {
            crate::Backend::Sqlite
        }
    }
    pub fn push(&mut self, s: &str) -> &mut Self {
        self.text.push_str(s);
        self
    }
    /// Appends a placeholder for `value`.
    pub fn bind<T>(&mut self, value: T) -> &mut Self
    where
        T: 'static + Send + sqlx::Encode<'static, sqlx::Any> + sqlx::Type<sqlx::Any>,
    {
        self.count += 1;
        if self.numbered {
            self.text.push('$');
            self.text.push_str(&self.count.to_string());
        } else {
            self.text.push('?');
        }
        self.args.add(value).expect("encoding a bound value");
        self
    }
    /// A tuple of placeholders `($n, $n+1, ...)` for one row, filled by `f`.
    pub fn row(&mut self, f: impl FnOnce(&mut RowBinder<'_>)) -> &mut Self {
        self.text.push('(');
        let mut rb = RowBinder { sql: self, first: true };
        f(&mut rb);
        self.text.push(')');
        self
    }
}

pub struct RowBinder<'a> {
    sql: &'a mut Sql,
    first: bool,
}

impl RowBinder<'_> {
    pub fn bind<T>(&mut self, value: T) -> &mut Self
    where
        T: 'static + Send + sqlx::Encode<'static, sqlx::Any> + sqlx::Type<sqlx::Any>,
    {
        if !self.first {
            self.sql.text.push_str(", ");
        }
        self.first = false;
        self.sql.bind(value);
        self
    }
}
