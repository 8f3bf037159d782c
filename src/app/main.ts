import { acquireGpu, type GpuContext } from '../gpu/device';
import { measureBandwidth } from '../kernels/bandwidth';
import { AuraError } from '../errors';
import { renderAdapter, renderBandwidth, renderError } from './adapter-panel';

/** The web app: the adapter this page runs on, and the bandwidth probe measured on it. */
async function main(): Promise<void> {
  const root = document.querySelector<HTMLElement>('#app')!;
  root.innerHTML = `<h1>AURA</h1><p>WebGPU runtime for on-device, multi-expert inference.</p>
    <section id="adapter"><h2>Adapter</h2><p>Requesting a WebGPU device…</p></section>
    <section id="bandwidth"><h2>Bandwidth probe</h2><p>Waiting for the device…</p></section>`;
  const adapterPanel = root.querySelector<HTMLElement>('#adapter')!;
  const bandwidthPanel = root.querySelector<HTMLElement>('#bandwidth')!;
  let ctx: GpuContext;
  try {
    ctx = await acquireGpu();
  } catch (error) {
    renderError(adapterPanel, error instanceof AuraError ? error.message : String(error));
    bandwidthPanel.remove();
    return;
  }
  renderAdapter(adapterPanel, ctx);
  const run = async () => {
    bandwidthPanel.querySelector('p')!.textContent = 'Measuring…';
    try {
      renderBandwidth(bandwidthPanel, await measureBandwidth(ctx, { megabytes: 16, iterations: 8 }), run);
    } catch (error) {
      renderError(bandwidthPanel, String(error));
    }
  };
  await run();
}

void main();
