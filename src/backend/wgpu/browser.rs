//! Browser glue: a readable adapter name. wgpu passes on only `GPUAdapterInfo.description`,
//! which Chromium leaves empty; vendor and architecture (e.g. `google swiftshader`) are there.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
export async function caulk_adapter_label() {
  const gpu = globalThis.navigator && globalThis.navigator.gpu;
  if (!gpu) return "";
  const adapter = await gpu.requestAdapter();
  if (!adapter || !adapter.info) return "";
  const i = adapter.info;
  const parts = [i.vendor, i.architecture, i.device, i.description].filter((s) => typeof s === "string" && s.length > 0);
  if (i.isFallbackAdapter) parts.push("(software fallback adapter)");
  return parts.join(" ");
}
"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn caulk_adapter_label() -> Result<JsValue, JsValue>;
}

/// `vendor architecture device description` of the browser's adapter, or `None`.
pub async fn adapter_label() -> Option<String> {
    caulk_adapter_label()
        .await
        .ok()
        .and_then(|v| v.as_string())
        .filter(|s| !s.is_empty())
}
