import ort from 'onnxruntime-node';
const s = await ort.InferenceSession.create('models/if-paper/step.onnx',{intraOpNumThreads:1,interOpNumThreads:1,graphOptimizationLevel:'all'});
console.log(s.inputNames, s.outputNames);
const B=256;
const inp = new ort.Tensor('float32', new Float32Array(B*100),[B,100]);
const hA = new ort.Tensor('float32', new Float32Array(B*7900),[B,79,100]);
const hB = new ort.Tensor('float32', new Float32Array(B*7900),[B,79,100]);
const v = new ort.Tensor('float32', new Float32Array(B),[B]);
const p = new ort.Tensor('float32', new Float32Array(B),[B]);
inp.data.fill(0); for (let i=0;i<B;i++) inp.data[i*100+3]=1;
let r = await s.run({input:inp, conv0_history_in:hA},{voltage:v, spike_prob:p, conv0_history_out:hB});
console.log(r.voltage===v, r.conv0_history_out.data===hB.data, v.data[0], hB.data[78*100+3]);
let t0=performance.now(); const N=200;
for(let i=0;i<N;i++){ await s.run({input:inp, conv0_history_in:(i%2?hB:hA)},{voltage:v, spike_prob:p, conv0_history_out:(i%2?hA:hB)}); }
let dt=(performance.now()-t0)/N; console.log('batch',B,'us/run',dt*1000,'steps/s',B/dt*1000);
const one = {input:new ort.Tensor('float32', new Float32Array(100),[1,100]), conv0_history_in:new ort.Tensor('float32', new Float32Array(7900),[1,79,100])};
t0=performance.now(); for(let i=0;i<2000;i++) await s.run(one); dt=(performance.now()-t0)/2000; console.log('single us/run', dt*1000);
