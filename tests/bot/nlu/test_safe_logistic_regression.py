"""The intent classifier's fitted model goes to the model archive with joblib and comes back whole."""

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource

from bot.nlu.safe_logistic_regression import SafeLogisticRegressionClassifier


def _component(storage, resource):
    context = ExecutionContext(GraphSchema({}), node_name="intents")
    config = SafeLogisticRegressionClassifier.get_default_config()
    return SafeLogisticRegressionClassifier.create(config, storage, resource, context), config, context


def test_a_fitted_model_survives_persist_and_load(tmp_path):
    storage, resource = LocalModelStorage(tmp_path), Resource("intents")
    component, config, context = _component(storage, resource)
    features, y = np.array([[0.0, 1.0], [1.0, 0.0], [0.1, 0.9], [0.9, 0.2]]), ["greet", "deny", "greet", "deny"]
    component.clf.fit(features, y)
    component.persist()
    loaded = SafeLogisticRegressionClassifier.load(config, storage, resource, context)
    assert list(loaded.clf.classes_) == ["deny", "greet"]
    assert np.allclose(loaded.clf.predict_proba(features), component.clf.predict_proba(features))


def test_nothing_stored_gives_an_untrained_component(tmp_path):
    storage, resource = LocalModelStorage(tmp_path), Resource("never_trained")
    _, config, context = _component(storage, resource)
    loaded = SafeLogisticRegressionClassifier.load(config, storage, resource, context)
    assert not hasattr(loaded.clf, "classes_")
