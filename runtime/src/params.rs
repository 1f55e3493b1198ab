//! The parameters a route captured, without allocation.

use core::iter::FusedIterator;

/// The `(name, value)` pairs of a matched route's parameters, in pattern order.
///
/// Returned by the generated `Route::params()`. `N` is the largest number of parameters of any
/// route of the router, so the pairs live inline and nothing is allocated.
#[derive(Debug, Clone)]
pub struct Params<'p, const N: usize> {
    pairs: [(&'static str, &'p str); N],
    len: usize,
    next: usize,
}

impl<'p, const N: usize> Params<'p, N> {
    /// Builds the pairs; `len` of the `N` slots are used.
    #[doc(hidden)]
    pub const fn __new(pairs: [(&'static str, &'p str); N], len: usize) -> Self {
        Params {
            pairs,
            len,
            next: 0,
        }
    }

    /// The value of the parameter called `name`, if the route has one.
    pub fn get(&self, name: &str) -> Option<&'p str> {
        self.pairs[..self.len]
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| *value)
    }

    /// All the pairs (including ones the iterator already returned), in pattern order.
    pub fn as_slice(&self) -> &[(&'static str, &'p str)] {
        &self.pairs[..self.len]
    }
}

impl<'p, const N: usize> Iterator for Params<'p, N> {
    type Item = (&'static str, &'p str);

    fn next(&mut self) -> Option<Self::Item> {
        if self.next < self.len {
            self.next += 1;
            Some(self.pairs[self.next - 1])
        } else {
            None
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.len - self.next;
        (left, Some(left))
    }
}

impl<const N: usize> ExactSizeIterator for Params<'_, N> {}
impl<const N: usize> FusedIterator for Params<'_, N> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iterates_used_pairs_in_order() {
        let params = Params::__new([("a", "1"), ("b", "2"), ("", "")], 2);
        assert_eq!(params.get("b"), Some("2"));
        assert_eq!(params.get("c"), None);
        assert_eq!(params.len(), 2);
        let mut iter = params;
        assert_eq!(iter.next(), Some(("a", "1")));
        assert_eq!(iter.next(), Some(("b", "2")));
        assert_eq!(iter.next(), None);
    }
}
