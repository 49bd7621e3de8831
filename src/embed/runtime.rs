//! Finding ONNX Runtime, and fetching it from PyPI on first use.
//!
//! fastembed loads `libonnxruntime` dynamically (its `ort-load-dynamic` feature), so nothing is
//! downloaded at build time. Order of search:
//! 1. `ORT_DYLIB_PATH` in the environment;
//! 2. `[embed] onnxruntime` in the config;
//! 3. the user cache, `$KBFORGE_CACHE_DIR` or `$XDG_CACHE_HOME/kbforge` or `~/.cache/kbforge`;
//! 4. otherwise `pip download onnxruntime==1.32.0` into a temporary folder, and the library is
//!    unpacked from the wheel (`onnxruntime/capi/`) into the cache.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The ONNX Runtime release kbforge is tested with.
pub const ORT_VERSION: &str = "1.32.0";

#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    #[error("ONNX Runtime library `{0}` (from {1}) does not exist")]
    Missing(PathBuf, &'static str),
    #[error(
        "could not fetch ONNX Runtime {ORT_VERSION} from PyPI with `{python} -m pip download`: {detail}\n\
         Install it by hand (`pip download --no-deps onnxruntime=={ORT_VERSION}` and unzip \
         `onnxruntime/capi/libonnxruntime.so.{ORT_VERSION}`), then set ORT_DYLIB_PATH to that file"
    )]
    Fetch { python: String, detail: String },
    #[error("cannot unpack ONNX Runtime from the wheel `{path}`: {detail}")]
    Unpack { path: PathBuf, detail: String },
}

/// Where kbforge keeps downloaded runtime files.
pub fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("KBFORGE_CACHE_DIR") {
        return PathBuf::from(dir);
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME") {
        return PathBuf::from(dir).join("kbforge");
    }
    match std::env::var_os("HOME") {
        Some(home) => PathBuf::from(home).join(".cache").join("kbforge"),
        None => std::env::temp_dir().join("kbforge-cache"),
    }
}

fn library_name() -> String {
    if cfg!(target_os = "macos") {
        format!("libonnxruntime.{ORT_VERSION}.dylib")
    } else if cfg!(target_os = "windows") {
        "onnxruntime.dll".to_string()
    } else {
        format!("libonnxruntime.so.{ORT_VERSION}")
    }
}

/// Where the library is, without fetching it. `None` means it would have to be fetched.
pub fn locate(configured: Option<&Path>) -> Result<Option<(PathBuf, &'static str)>, RuntimeError> {
    if let Some(p) = std::env::var_os("ORT_DYLIB_PATH").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        return if p.is_file() { Ok(Some((p, "ORT_DYLIB_PATH"))) } else { Err(RuntimeError::Missing(p, "ORT_DYLIB_PATH")) };
    }
    if let Some(p) = configured.filter(|p| !p.as_os_str().is_empty()) {
        return if p.is_file() {
            Ok(Some((p.to_path_buf(), "[embed] onnxruntime")))
        } else {
            Err(RuntimeError::Missing(p.to_path_buf(), "[embed] onnxruntime"))
        };
    }
    let cached = cache_dir().join(format!("onnxruntime-{ORT_VERSION}")).join(library_name());
    Ok(cached.is_file().then_some((cached, "cache")))
}

/// Makes sure ONNX Runtime can be loaded: finds or fetches it and points `ORT_DYLIB_PATH` at it.
pub fn ensure(configured: Option<&Path>) -> Result<PathBuf, RuntimeError> {
    let path = match locate(configured)? {
        Some((path, _)) => path,
        None => fetch()?,
    };
    // ort reads ORT_DYLIB_PATH when the first session is built.
    std::env::set_var("ORT_DYLIB_PATH", &path);
    Ok(path)
}

/// Downloads the `onnxruntime` wheel with pip and unpacks the shared library into the cache.
fn fetch() -> Result<PathBuf, RuntimeError> {
    let python = std::env::var("KBFORGE_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let target_dir = cache_dir().join(format!("onnxruntime-{ORT_VERSION}"));
    // One folder per process, so two first runs at once do not trip over each other's wheel.
    let download_dir = cache_dir().join("downloads").join(std::process::id().to_string());
    let fetch_err = |detail: String| RuntimeError::Fetch { python: python.clone(), detail };
    std::fs::create_dir_all(&download_dir).map_err(|e| fetch_err(e.to_string()))?;
    tracing::info!(version = ORT_VERSION, "fetching ONNX Runtime from PyPI (first use only)");
    let output = Command::new(&python)
        .args(["-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--quiet", "-d"])
        .arg(&download_dir)
        .arg(format!("onnxruntime=={ORT_VERSION}"))
        .output()
        .map_err(|e| fetch_err(e.to_string()))?;
    if !output.status.success() {
        return Err(fetch_err(String::from_utf8_lossy(&output.stderr).trim().to_string()));
    }
    let wheel = std::fs::read_dir(&download_dir)
        .map_err(|e| fetch_err(e.to_string()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&format!("onnxruntime-{ORT_VERSION}-")) && n.ends_with(".whl"))
        })
        .ok_or_else(|| fetch_err("pip finished but left no onnxruntime wheel".to_string()))?;
    let lib = unpack(&wheel, &target_dir)?;
    let _ = std::fs::remove_dir_all(&download_dir);
    Ok(lib)
}

/// Extracts `onnxruntime/capi/<library>` from a wheel into `target_dir`.
fn unpack(wheel: &Path, target_dir: &Path) -> Result<PathBuf, RuntimeError> {
    let unpack_err = |detail: String| RuntimeError::Unpack { path: wheel.to_path_buf(), detail };
    let file = std::fs::File::open(wheel).map_err(|e| unpack_err(e.to_string()))?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| unpack_err(e.to_string()))?;
    let name = library_name();
    let member = format!("onnxruntime/capi/{name}");
    let mut entry = archive.by_name(&member).map_err(|e| unpack_err(format!("{member}: {e}")))?;
    let mut bytes = Vec::with_capacity(entry.size() as usize);
    entry.read_to_end(&mut bytes).map_err(|e| unpack_err(e.to_string()))?;
    std::fs::create_dir_all(target_dir).map_err(|e| unpack_err(e.to_string()))?;
    // Write then rename, so a concurrent or interrupted fetch never leaves half a library.
    let tmp = target_dir.join(format!("{name}.part{}", std::process::id()));
    std::fs::write(&tmp, &bytes).map_err(|e| unpack_err(e.to_string()))?;
    let dest = target_dir.join(&name);
    std::fs::rename(&tmp, &dest).map_err(|e| unpack_err(e.to_string()))?;
    Ok(dest)
}
