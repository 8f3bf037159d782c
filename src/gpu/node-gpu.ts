/**
 * WebGPU in Node through Dawn (the `webgpu` npm package). Loaded lazily so browser bundles never see it.
 * Dawn needs a Vulkan driver; on machines without a GPU, Chromium's SwiftShader ICD serves (see DESIGN.md):
 * Mesa's ICD files are often installed without any GPU, so the test is for a device, not a driver file.
 */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

// Dawn's GPU instance is made once and kept: if it is garbage-collected while a device lives,
// dawn.node crashes the process (seen on SwiftShader with 16 MB buffers).
let instance: Promise<GPU> | undefined;

// Named through a variable so bundlers leave it alone: Dawn is a Node addon (an optional peer
// dependency), never part of a browser build.
const DAWN = 'webgpu';

export function nodeGpu(): Promise<GPU> {
  instance ??= createNodeGpu();
  instance.catch(() => (instance = undefined));
  return instance;
}

async function createNodeGpu(): Promise<GPU> {
  const fs = process.getBuiltinModule('node:fs') as typeof import('node:fs');
  const env = process.env;
  const driverConfigured = env.VK_ICD_FILENAMES || env.VK_DRIVER_FILES;
  if (!driverConfigured && fs.existsSync(SWIFTSHADER_ICD) && !hasSystemVulkanDriver(fs)) {
    env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  quietWaylandProbe(fs);
  const webgpu = (await import(/* @vite-ignore */ DAWN)) as typeof import('webgpu');
  Object.assign(globalThis, webgpu.globals);
  return webgpu.create([]);
}

/** A GPU the Vulkan loader could drive: a DRM render node or an NVIDIA device file. */
function hasSystemVulkanDriver(fs: typeof import('node:fs')): boolean {
  try {
    if (fs.readdirSync('/dev/dri').some((f) => f.startsWith('renderD'))) return true;
  } catch {
    // no DRM devices
  }
  return fs.existsSync('/dev/nvidia0');
}

/**
 * Dawn's Vulkan loader probes Wayland, which prints "XDG_RUNTIME_DIR is invalid or not set" twice when
 * the variable is missing (headless servers, containers). A private empty dir (0700, removed at exit)
 * satisfies the probe; a variable that is already set is left alone.
 */
function quietWaylandProbe(fs: typeof import('node:fs')): void {
  const current = process.env.XDG_RUNTIME_DIR;
  if (current && fs.existsSync(current)) return;
  const os = process.getBuiltinModule('node:os') as typeof import('node:os');
  const path = process.getBuiltinModule('node:path') as typeof import('node:path');
  try {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aura-xdg-'));
    process.env.XDG_RUNTIME_DIR = dir;
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  } catch {
    // no writable temp dir: the probe's message is harmless
  }
}
