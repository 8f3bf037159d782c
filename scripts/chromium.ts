/** Debian's Chromium, never a downloaded browser, with WebGPU on SwiftShader where there is no GPU. */
export const CHROMIUM_PATH = process.env.AURA_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu',
  ...(process.env.AURA_GPU === 'hardware' ? [] : ['--use-webgpu-adapter=swiftshader']),
  '--enable-features=Vulkan',
  '--no-sandbox',
  '--disable-gpu-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
