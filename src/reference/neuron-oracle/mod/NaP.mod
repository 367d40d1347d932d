COMMENT
Persistent Na current (spec 4.3). Boltzmann steady states; tau_m built from the axonal transient
Na rates (spec 4.2), tau_h from its own slow rates; both divided by qt = 2.3^1.3.
ENDCOMMENT

NEURON {
    SUFFIX NaP
    USEION na READ ena WRITE ina
    RANGE gbar, g
    RANGE minf, hinf, mtau, htau
}

UNITS {
    (S) = (siemens)
    (mV) = (millivolt)
    (mA) = (milliamp)
}

PARAMETER {
    gbar = 0 (S/cm2)
}

ASSIGNED {
    v (mV)
    ena (mV)
    ina (mA/cm2)
    g (S/cm2)
    minf
    hinf
    mtau (ms)
    htau (ms)
}

STATE { m h }

BREAKPOINT {
    SOLVE states METHOD cnexp
    g = gbar * m * m * m * h
    ina = g * (v - ena)
}

DERIVATIVE states {
    rates(v)
    m' = (minf - m) / mtau
    h' = (hinf - h) / htau
}

INITIAL {
    rates(v)
    m = minf
    h = hinf
}

PROCEDURE rates(vm (mV)) {
    LOCAL am, bm, ah, bh, qt
    qt = 2.3 ^ ((34 - 21) / 10)
    minf = 1 / (1 + exp(-(vm + 52.6) / 4.6))
    am = 0.182 * 6 * efun(-(vm + 38) / 6)
    bm = 0.124 * 6 * efun((vm + 38) / 6)
    mtau = 6 / (qt * (am + bm))
    hinf = 1 / (1 + exp((vm + 48.8) / 10))
    ah = 2.88e-6 * 4.63 * efun((vm + 17) / 4.63)
    bh = 6.94e-6 * 2.63 * efun(-(vm + 64.4) / 2.63)
    htau = 1 / (qt * (ah + bh))
}

FUNCTION efun(x) {
    : x / (exp(x) - 1), continuous through x = 0
    if (fabs(x) < 1e-6) {
        efun = 1 - x / 2 + x * x / 12
    } else {
        efun = x / (exp(x) - 1)
    }
}
