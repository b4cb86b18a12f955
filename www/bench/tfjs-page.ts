// The TF.js comparison page (bundled by www/bench/tfjs.mjs, never part of the app): the same
// MLP trained step by step with TensorFlow.js on its wasm backend (trainOnBatch) and with
// Caulk Lab's wasm CPU kernels, in one page, one after the other.
//   network: 3 → 32 (ReLU) → 32 (ReLU) → 1 (the feature) → 16 (ReLU) → 1, full training;
//   data: 256 rows, mini-batches of 32; Adam, learning rate 0.01; MSE.

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import init, { training_rate } from '../pkg/caulk.js';

async function tfjsRate(seconds: number): Promise<{ steps_per_s: number; backend: string }> {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 32, activation: 'relu', inputShape: [3] }),
      tfl.layers.dense({ units: 32, activation: 'relu' }),
      tfl.layers.dense({ units: 1 }),
      tfl.layers.dense({ units: 16, activation: 'relu' }),
      tfl.layers.dense({ units: 1 }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
  const xs = tf.randomUniform([256, 3]);
  const ys = tf.sin(tf.mul(tf.slice(xs, [0, 0], [256, 1]), 6));
  let b = 0;
  const batch = () => {
    const at = (b++ % 8) * 32;
    return [tf.slice(xs, [at, 0], [32, 3]), tf.slice(ys, [at, 0], [32, 1])];
  };
  const step = async () => {
    const [x, y] = batch();
    await model.trainOnBatch(x, y);
    x.dispose();
    y.dispose();
  };
  for (let i = 0; i < 50; i++) await step();
  let steps = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    await step();
    steps++;
  }
  return { steps_per_s: (steps * 1000) / (performance.now() - start), backend: tf.getBackend() };
}

declare global {
  interface Window {
    caulkTfjs: (seconds: number) => Promise<unknown>;
  }
}

window.caulkTfjs = async (seconds: number) => {
  setWasmPaths(new URL('./', document.baseURI).href);
  await import('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend('wasm');
  await tf.ready();
  const tfjs = await tfjsRate(seconds);
  // The build's hashed name of the plain wasm (files.json maps plain names to hashed ones).
  const files = (await (await fetch(new URL('../files.json', document.baseURI))).json()) as Record<string, string>;
  await init({ module_or_path: new URL(`../${files['caulk_bg.wasm']}`, document.baseURI) });
  await training_rate(200); // warm-up: the browser optimises hot wasm after a while
  const steps = 2000;
  const ours = await training_rate(steps);
  return {
    tfjs_backend: tfjs.backend,
    tfjs_steps_per_s: tfjs.steps_per_s,
    caulk_steps_per_s: ours,
    ratio: ours / tfjs.steps_per_s,
  };
};
document.body.dataset.ready = 'true';
