COMMENT
Low-voltage-activated (T-type) Ca current (spec 4.11), m^2 h. Junction-potential shifted (u = v + 10);
time constants divided by qt = 2.3^1.3.
ENDCOMMENT

NEURON {
    SUFFIX CaLVA
    USEION ca READ eca WRITE ica
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
    eca (mV)
    ica (mA/cm2)
    g (S/cm2)
    minf
    hinf
    mtau (ms)
    htau (ms)
}

STATE { m h }

BREAKPOINT {
    SOLVE states METHOD cnexp
    g = gbar * m * m * h
    ica = g * (v - eca)
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
    LOCAL u, qt
    qt = 2.3 ^ ((34 - 21) / 10)
    u = vm + 10
    minf = 1 / (1 + exp(-(u + 30) / 6))
    mtau = (5 + 20 / (1 + exp((u + 25) / 5))) / qt
    hinf = 1 / (1 + exp((u + 80) / 6.4))
    htau = (20 + 50 / (1 + exp((u + 40) / 7))) / qt
}
