//! The mocks' side of the waiters (`crates/<service>/src/mock.rs`, feature `mock`): a trait
//! `WaiterMockExt` with one method per waiter, `<waiter>_states(answers, when)`, which answers
//! the polled operation with each of `answers` in turn (one call each, the last to every later
//! call), so that the code that waits can be tested against a resource moving through its
//! states. Each answer is one of progenitor's typed mocks, limited with httpmock's
//! `up_to_n_times(1)`; httpmock tries mocks in the order they were made.

use quote::{format_ident, quote};
use syn::{FnArg, ImplItem, Item, Type};

use crate::model::Service;
use crate::names;

/// Appends `WaiterMockExt` to the mocks `file` of `service`; `Err` names the waiter whose
/// operation's mock has no typed success answer.
pub fn emit(file: &mut syn::File, service: &Service) -> Result<(), String> {
    if service.waiters.is_empty() {
        return Ok(());
    }
    let operations = file.items.iter().find_map(|item| match item {
        Item::Mod(m) if m.ident == "operations" => m.content.as_ref().map(|(_, items)| items),
        _ => None,
    });
    let operations = operations.ok_or("the mocks have no `operations` module")?;
    let mut declared = Vec::new();
    let mut defined = Vec::new();
    for waiter in &service.waiters {
        let operation = service
            .operations
            .iter()
            .find(|o| o.spec_id == waiter.operation)
            .ok_or_else(|| {
                format!(
                    "waiter `{}`: no operation `{}`",
                    waiter.name, waiter.operation
                )
            })?;
        let when = format_ident!("{}", names::mock_when_name(&operation.spec_id));
        let then = format_ident!("{}", names::mock_then_name(&operation.spec_id));
        let (answer_method, answer) =
            typed_answer(operations, &then.to_string()).ok_or_else(|| {
                format!(
                    "waiter `{}`: `{then}` has no method taking the typed answer",
                    waiter.name
                )
            })?;
        let method = format_ident!("{}_states", waiter.name);
        let mock = format_ident!("{}", operation.rust_name);
        let doc = format!(
            "Answers `{}` with each of `answers` in turn, one call each and the last to every later call, for the code that runs `{}()`; `when` narrows the requests (their path parameters). One mock per answer, in order.",
            operation.rust_name,
            waiter.method()
        );
        let signature = quote! {
            fn #method<W>(&self, answers: &[#answer], when: W) -> Vec<::httpmock::Mock<'_>>
            where
                W: Fn(operations::#when) -> operations::#when
        };
        declared.push(quote! {
            #[doc = #doc]
            #signature;
        });
        defined.push(quote! {
            #signature
            {
                let last = answers.len().saturating_sub(1);
                answers
                    .iter()
                    .enumerate()
                    .map(|(index, answer)| {
                        let mock = self.#mock(|matched, then| {
                            let _ = when(matched);
                            let _ = then.#answer_method(answer);
                        });
                        if index < last {
                            mock.up_to_n_times(1);
                        }
                        mock
                    })
                    .collect()
            }
        });
    }
    let items: syn::File = syn::parse2(quote! {
        /// Plays the states of each waiter's resource (`x-credkit-waiters`), for tests of the
        /// code that waits on them.
        pub trait WaiterMockExt {
            #(#declared)*
        }

        impl WaiterMockExt for ::httpmock::MockServer {
            #(#defined)*
        }
    })
    .map_err(|e| format!("the waiters' mocks do not parse: {e}"))?;
    file.items.extend(items.items);
    Ok(())
}

/// The method of `then` (an operation's `Then`) that answers with a typed body, and the body's
/// type: `ok(self, value: &types::Thing)`.
fn typed_answer(operations: &[Item], then: &str) -> Option<(syn::Ident, Type)> {
    operations.iter().find_map(|item| {
        let Item::Impl(block) = item else { return None };
        let Type::Path(path) = block.self_ty.as_ref() else {
            return None;
        };
        if !path.path.is_ident(then) {
            return None;
        }
        block.items.iter().find_map(|member| {
            let ImplItem::Fn(method) = member else {
                return None;
            };
            let [FnArg::Receiver(_), FnArg::Typed(value)] =
                method.sig.inputs.iter().collect::<Vec<_>>()[..]
            else {
                return None;
            };
            match value.ty.as_ref() {
                Type::Reference(reference) => {
                    let answer = reference.elem.as_ref().clone();
                    // In the crate's root, where the trait is, `types` is re-exported.
                    Some((method.sig.ident.clone(), syn::parse_quote!(crate::#answer)))
                }
                _ => None,
            }
        })
    })
}
