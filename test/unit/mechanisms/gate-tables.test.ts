import { describe, it, expect } from '@jest/globals';
import { channelDefinition, type VoltageGatedName } from '../../../src/reference/mechanisms/catalogue.js';
import { expRel, Q_T } from '../../../src/reference/mechanisms/rate-helpers.js';

/** Spec §4.17: steady states and time constants at −80, −60, −40, −20, 0, +20 mV, 4 significant digits. */
const VOLTAGES = [-80, -60, -40, -20, 0, 20];
const TABLE: [VoltageGatedName, number, 'inf' | 'tau', string[]][] = [
  ['NaTs2', 0, 'inf', ['4.921e-04', '0.01361', '0.279', '0.9156', '0.9967', '0.9999']],
  ['NaTs2', 0, 'tau', ['0.05685', '0.09531', '0.1813', '0.1228', '0.05768', '0.03577']],
  ['NaTs2', 1, 'inf', ['0.9656', '0.5', '0.03445', '0.001271', '4.540e-05', '1.620e-06']],
  ['NaTs2', 1, 'tau', ['1.051', '1.881', '1.051', '0.563', '0.3762', '0.2822']],
  ['NaTa', 0, 'inf', ['0.001337', '0.03616', '0.5126', '0.9672', '0.9988', '1']],
  ['NaTa', 0, 'tau', ['0.06488', '0.1166', '0.1887', '0.095', '0.04882', '0.03208']],
  ['NaTa', 1, 'inf', ['0.9116', '0.2689', '0.01295', '4.680e-04', '1.670e-05', '5.958e-07']],
  ['NaTa', 1, 'tau', ['1.328', '1.739', '0.8458', '0.4903', '0.3421', '0.2625']],
  ['NaP', 0, 'inf', ['0.002582', '0.1668', '0.9393', '0.9992', '1', '1']],
  ['NaP', 0, 'tau', ['0.3893', '0.6996', '1.132', '0.57', '0.2929', '0.1925']],
  ['NaP', 1, 'inf', ['0.9577', '0.754', '0.2932', '0.05315', '0.00754', '0.001027']],
  ['NaP', 1, 'tau', ['1.864e+03', '2.098e+03', '1.435e+03', '1.038e+03', '755.6', '578.1']],
  ['KT', 0, 'inf', ['0.0245', '0.06713', '0.1709', '0.3714', '0.6286', '0.8291']],
  ['KT', 0, 'tau', ['0.4266', '0.3896', '0.3074', '0.2221', '0.1625', '0.1318']],
  ['KT', 1, 'inf', ['0.5987', '0.168', '0.0266', '0.003684', '5.002e-04', '6.772e-05']],
  ['KT', 1, 'tau', ['19.02', '8.814', '3.213', '2.718', '2.709', '2.709']],
  ['KP', 0, 'inf', ['0.003173', '0.01657', '0.08191', '0.3208', '0.7144', '0.9298']],
  ['KP', 0, 'tau', ['10.03', '16.58', '10.03', '6.133', '3.818', '2.441']],
  ['KP', 1, 'inf', ['0.8107', '0.4101', '0.1014', '0.01799', '0.002964', '4.823e-04']],
  ['KP', 1, 'tau', ['339.7', '413.7', '348.3', '235', '159.7', '130.5']],
  ['Kv31', 0, 'inf', ['3.810e-05', '2.994e-04', '0.002349', '0.01817', '0.127', '0.5335']],
  ['Kv31', 0, 'tau', ['1.277', '1.698', '2.148', '2.584', '2.967', '3.275']],
  ['Im', 0, 'inf', ['1.234e-04', '0.006693', '0.2689', '0.9526', '0.9991', '1']],
  ['Im', 0, 'tau', ['1.14', '8.367', '45.5', '21.81', '3.096', '0.4194']],
  ['Ih', 0, 'inf', ['0.04922', '0.006622', '8.207e-04', '9.813e-05', '1.147e-05', '1.318e-06']],
  ['Ih', 0, 'tau', ['55.23', '31.54', '17.33', '9.48', '5.181', '2.832']],
  ['CaHVA', 0, 'inf', ['2.025e-06', '7.892e-04', '0.1676', '0.9252', '0.9924', '0.9986']],
  ['CaHVA', 0, 'tau', ['0.7928', '2.569', '6.94', '2.022', '0.6677', '0.3863']],
  ['CaHVA', 1, 'inf', ['0.7503', '0.5187', '0.2934', '0.1508', '0.07914', '0.04466']],
  ['CaHVA', 1, 'tau', ['429.9', '443.4', '374.2', '286.8', '224.6', '189.1']],
  ['CaLVA', 0, 'inf', ['0.001271', '0.03445', '0.5', '0.9656', '0.9987', '1']],
  ['CaLVA', 0, 'tau', ['8.465', '8.421', '6.645', '2.014', '1.699', '1.693']],
  ['CaLVA', 1, 'inf', ['0.1733', '0.009126', '4.045e-04', '1.778e-05', '7.811e-07', '3.432e-08']],
  ['CaLVA', 1, 'tau', ['23.48', '20.43', '10.05', '7.003', '6.786', '6.774']],
];

/** Half a unit in the last printed digit (with 1 % slack): the rounding error of the printed value. */
function printedTolerance(text: string): number {
  const [mantissa, exponent] = text.toLowerCase().split('e');
  const decimals = mantissa.includes('.') ? mantissa.split('.')[1].length : 0;
  return 0.505 * 10 ** (-decimals + (exponent ? Number(exponent) : 0));
}

describe('gate kinetics against the table of spec §4.17', () => {
  for (const [name, gate, what, values] of TABLE) {
    it(`${name} gate ${gate} ${what}`, () => {
      const def = channelDefinition(name).gates[gate];
      VOLTAGES.forEach((v, j) => {
        const got = what === 'inf' ? def.inf(v) : def.tau(v);
        const expected = Number(values[j]);
        expect(Math.abs(got - expected)).toBeLessThanOrEqual(printedTolerance(values[j]));
      });
    });
  }
});

describe('rate helpers', () => {
  it('q_t = 2.3^1.3 = 2.952883', () => {
    expect(Q_T).toBeCloseTo(2.952883, 6);
  });
  it('𝓔 is continuous through its removable singularity', () => {
    expect(expRel(0)).toBe(1);
    for (const x of [1e-7, -1e-7, 2e-6, -2e-6, 1e-3]) {
      const direct = x / (Math.exp(x) - 1);
      expect(Math.abs(expRel(x) - direct)).toBeLessThan(1e-9);
    }
  });
  it('singular voltages give the limits of the spec (NaTs2 αm(−32) = 1.092, CaHVA αm(−27) = 0.209)', () => {
    // x∞ at the singular voltage = α/(α+β); α(−32) = 1.092 and β(−32) = 0.744 → m∞ = 1.092/1.836
    const m = channelDefinition('NaTs2').gates[0];
    expect(m.inf(-32)).toBeCloseTo(1.092 / (1.092 + 0.744), 12);
    expect(m.tau(-32)).toBeCloseTo(1 / (Q_T * 1.836), 12);
    const hva = channelDefinition('CaHVA').gates[0];
    const beta = 0.94 * Math.exp((-75 + 27) / 17);
    expect(hva.inf(-27)).toBeCloseTo(0.209 / (0.209 + beta), 12);
  });
});
