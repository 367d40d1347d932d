COMMENT
Transient Na current, soma/apical variant (spec 4.1), written from the rate equations.
Rates in 1/ms, all time constants divided by the Q10 factor qt = 2.3^((34-21)/10).
ENDCOMMENT

NEURON {
    SUFFIX NaTs2
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
    : c*y/(1-exp(-y/k)) = c*k*efun(-y/k), y = vm + 32, k = 6
    am = 0.182 * 6 * efun(-(vm + 32) / 6)
    bm = 0.124 * 6 * efun((vm + 32) / 6)
    ah = 0.015 * 6 * efun((vm + 60) / 6)
    bh = 0.015 * 6 * efun(-(vm + 60) / 6)
    minf = am / (am + bm)
    mtau = 1 / (qt * (am + bm))
    hinf = ah / (ah + bh)
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
