//! The arguments of `#[operation(CACHE.get, gateway = crate::api, manifest = "ops.yaml")]`.

use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitStr, Path, Token};

const USAGE: &str = "expected `INTERFACE.operation`, e.g. `#[operation(CACHE.get)]`";

/// Parsed attribute arguments.
#[derive(Debug)]
pub struct Args {
    /// `CACHE`.
    pub interface: Ident,
    /// `get`.
    pub operation: Ident,
    /// `gateway = crate::api`: where the generated module is, if not `crate::gateway`.
    pub gateway: Option<Path>,
    /// `manifest = "..."`: the manifest, relative to this file.
    pub manifest: Option<LitStr>,
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.is_empty() {
            return Err(input.error(USAGE));
        }
        let interface = input
            .call(Ident::parse_any)
            .map_err(|e| syn::Error::new(e.span(), USAGE))?;
        input.parse::<Token![.]>().map_err(|e| {
            syn::Error::new(e.span(), format!("{USAGE}: add `.` and the operation name"))
        })?;
        let operation = input
            .call(Ident::parse_any)
            .map_err(|e| syn::Error::new(e.span(), USAGE))?;
        let mut args = Args {
            interface,
            operation,
            gateway: None,
            manifest: None,
        };
        while !input.is_empty() {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            let key: Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            match key.to_string().as_str() {
                "gateway" if args.gateway.is_none() => args.gateway = Some(input.parse()?),
                "manifest" if args.manifest.is_none() => args.manifest = Some(input.parse()?),
                "gateway" | "manifest" => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!("`{key}` is given twice"),
                    ));
                }
                _ => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!(
                            "unknown argument `{key}`; expected `gateway = path::to::module` or `manifest = \"path\"`"
                        ),
                    ));
                }
            }
        }
        Ok(args)
    }
}
